import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SML_START } from '@smi/decoder';
import { assetsDir } from '../assets';
import { readRecording } from '../transports/replay';
import type { MeterSimulator, SimulatorFactory } from './simulator';

/** The SML transport files in a capture, split at each start sequence (the capture whole when none is found). */
export function splitSmlFiles(capture: Uint8Array): Uint8Array[] {
  const bytes = Uint8Array.from(capture);
  const starts: number[] = [];
  outer: for (let i = 0; i + SML_START.length <= bytes.length; i++) {
    for (let k = 0; k < SML_START.length; k++) if (bytes[i + k] !== SML_START[k]) continue outer;
    starts.push(i);
    i += SML_START.length - 1;
  }
  if (starts.length === 0) return bytes.length > 0 ? [bytes] : [];
  return starts.map((s, n) => bytes.slice(s, starts[n + 1] ?? bytes.length));
}

/** A copy of an SML file with one payload byte flipped (the file CRC no longer holds). */
export function corruptSmlFile(file: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(file); // a copy, also when given a Buffer (whose slice() is a view)
  const i = Math.floor(copy.length / 2);
  copy[i] = (copy[i] as number) ^ 0xff;
  return copy;
}

function readCapture(path: string): Buffer {
  const raw = readFileSync(path);
  const text = raw.toString('latin1');
  // Hex text (fixture style) or raw bytes.
  return /^[\s0-9A-Fa-f]+$/.test(text) && text.trim().length > 0 ? readRecording(path, true) : raw;
}

/**
 * An SML push meter (eHZ style, 9600 8N1) sending real SML files in turn. Settings:
 * `recording=NAME` (built-in, default `sml-emh-ehz`) or `file=PATH` (hex text or raw bytes,
 * split into files at each start sequence), `corrupt=N` (every Nth file goes out with one byte
 * flipped, to watch the gateway reject it), `baudRate` (default 9600).
 */
export const smlSimulator: SimulatorFactory = ({ settings }) => {
  const name = settings['recording'] ?? 'sml-emh-ehz';
  const path = settings['file'] ?? join(assetsDir(), 'simulator', `${name}.hex`);
  const files = splitSmlFiles(readCapture(path));
  if (files.length === 0) throw new Error(`${path}: no SML data`);
  const corrupt = settings['corrupt'] === undefined ? 0 : Number(settings['corrupt']);
  if (!Number.isInteger(corrupt) || corrupt < 0) throw new Error(`corrupt must be a whole number, got '${settings['corrupt'] ?? ''}'`);
  const baudRate = settings['baudRate'] === undefined ? 9600 : Number(settings['baudRate']);
  if (!Number.isInteger(baudRate) || baudRate <= 0) throw new Error(`baudRate must be a whole number, got '${settings['baudRate'] ?? ''}'`);
  let sent = 0;
  const sim: MeterSimulator = {
    description: `SML meter (${settings['file'] ?? name}, ${files.length} file${files.length === 1 ? '' : 's'}${corrupt > 0 ? `, every ${corrupt}. corrupted` : ''})`,
    line: { baudRate, dataBits: 8, parity: 'none', stopBits: 1 },
    push: () => {
      const file = files[sent % files.length] as Uint8Array;
      sent++;
      return corrupt > 0 && sent % corrupt === 0 ? corruptSmlFile(file) : file;
    },
  };
  return sim;
};
