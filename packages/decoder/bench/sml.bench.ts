/**
 * SML throughput: our stream decoder and file decoder against the npm package `smartmeter-obis`
 * (its SmlProtocol, driven as its transports drive it: `handleMessage(buffer)` with the store
 * callback), on the same transport files: the valid fixture files (EMH eHZ, the two complete files
 * of the DNT ttyUSB0-2 dump, OpenEMS Iskra). Each call decodes one file in full: file and message
 * CRCs checked, a complete typed MeterSnapshot built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '../src/common';
import { createSmlDecoder, decodeSmlFile, SmlDecodeState, SmlFileFramer } from '../src/sml';
import { compare } from './harness';

interface SmlProtocolInstance {
  handleMessage(message: Buffer): Buffer | null;
}
type SmlProtocolClass = new (options: object, store: (err: Error | null, data: Record<string, unknown> | null) => void) => SmlProtocolInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SmlProtocol = require('smartmeter-obis/lib/protocols/SmlProtocol') as SmlProtocolClass;

const DIR = join(__dirname, '../fixtures/sml');
export const SML_BENCH_FIXTURES = ['smartmeter-obis-emh-ehz', 'smartmeter-obis-ttyUSB0-2-dump', 'sml-openems-iskra'] as const;

/** The complete transport files of the valid fixtures (the dump holds two, and a third cut off). */
export function loadSmlBenchFiles(): Uint8Array[] {
  const files: Uint8Array[] = [];
  for (const name of SML_BENCH_FIXTURES) {
    const bytes = hexToBytes(readFileSync(join(DIR, `${name}.hex`), 'utf8'));
    if (bytes === undefined) throw new Error(`${name}: bad hex`);
    for (const e of new SmlFileFramer().push(bytes)) if (e.ok) files.push(e.frame.slice());
  }
  for (const f of files) if (!decodeSmlFile(f).ok) throw new Error('fixture file not decoded');
  return files;
}

export function run(): void {
  const files = loadSmlBenchFiles();
  const state = new SmlDecodeState();
  const buffers = files.map((f) => Buffer.from(f));
  const n = files.length;
  let stored = 0;
  let failed = 0;
  const protocol = new SmlProtocol({ debug: 0, logger: () => undefined }, (err, data) => {
    if (err !== null || data === null) failed++;
    else stored += Object.keys(data).length;
  });
  for (const b of buffers) protocol.handleMessage(b);
  if (failed > 0 || stored === 0) throw new Error('smartmeter-obis did not read the fixture files');
  const peer = {
    name: 'smartmeter-obis SmlProtocol.handleMessage',
    unit: 'files',
    run: (i: number) => {
      protocol.handleMessage(buffers[i % n] as Buffer);
    },
  };
  const decoder = createSmlDecoder();
  compare(
    `SML, stream decoder (${n} files, ${Math.min(...files.map((f) => f.length))}-${Math.max(...files.map((f) => f.length))} bytes)`,
    {
      name: 'createSmlDecoder().push(bytes)',
      unit: 'files',
      run: (i) => {
        const events = decoder.push(files[i % n] as Uint8Array);
        if (events.length !== 1 || events[0]?.ok !== true) throw new Error('file not decoded');
      },
    },
    peer,
  );
  compare(
    `SML, one file (${n} files)`,
    {
      // one meter's state (server id, reading templates), as a stream decoder keeps it
      name: 'decodeSmlFile(bytes, {}, state)',
      unit: 'files',
      run: (i) => {
        if (!decodeSmlFile(files[i % n] as Uint8Array, {}, state).ok) throw new Error('file not decoded');
      },
    },
    peer,
  );
  if (failed > 0) throw new Error('smartmeter-obis failed on a fixture file');
}
