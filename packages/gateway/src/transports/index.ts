import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TransportConfig } from '../config/schema';
import { assetsDir } from '../assets';
import { ReplayTransport, readRecording } from './replay';
import { SerialTransport } from './serial';
import { TcpTransport } from './tcp';
import type { Transport } from './transport';

export { Transport, Backoff } from './transport';
export type { TransportState } from './transport';
export { SerialTransport } from './serial';
export { TcpTransport } from './tcp';
export { ReplayTransport, readRecording } from './replay';

/** Names of the built-in recordings the simulator can replay (files in assets/simulator). */
export function simulatorRecordings(): string[] {
  return readdirSync(join(assetsDir(), 'simulator'))
    .filter((f) => f.endsWith('.txt') || f.endsWith('.hex'))
    .map((f) => f.replace(/\.(txt|hex)$/, ''))
    .sort();
}

function simulatorRecording(name: string): Buffer {
  const dir = join(assetsDir(), 'simulator');
  const file = readdirSync(dir).find((f) => f === `${name}.txt` || f === `${name}.hex`);
  if (!file) throw new Error(`unknown simulator recording '${name}' (available: ${simulatorRecordings().join(', ')})`);
  return readRecording(join(dir, file), file.endsWith('.hex'));
}

/** Transports are found by name: the config's `type` picks the class. */
export function createTransport(config: TransportConfig): Transport {
  switch (config.type) {
    case 'serial':
      return new SerialTransport(config);
    case 'tcp':
      return new TcpTransport(config.host, config.port);
    case 'file':
      return new ReplayTransport(`file ${config.path}`, [readRecording(config.path, config.hex)], config.intervalMs, config.loop);
    case 'simulator':
      return new ReplayTransport(`simulator (${config.telegrams.join(', ')})`, config.telegrams.map(simulatorRecording), config.intervalMs, true);
  }
}
