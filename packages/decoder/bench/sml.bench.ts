/**
 * SML throughput: our stream decoder and file decoder against the npm package `smartmeter-obis`
 * (its SmlProtocol, driven as its transports drive it: `handleMessage(buffer)` with the store
 * callback), on the same transport files: distinct files generated from the valid fixture files
 * (EMH eHZ, the DNT ttyUSB0-2 dump, OpenEMS Iskra), energy and power values and secIndex changed
 * in every file, message and file CRCs recomputed. One decoder (one meter's state) per fixture.
 * Each call decodes one file in full and both sides materialise the result.
 */
import { createSmlDecoder, decodeSmlFile, SmlDecodeState } from '../src/sml';
import { compare, materialise } from './harness';
import { distinctFrames } from './inputs';

interface SmlProtocolInstance {
  handleMessage(message: Buffer): Buffer | null;
}
type SmlProtocolClass = new (options: object, store: (err: Error | null, data: Record<string, { values: unknown }> | null) => void) => SmlProtocolInstance;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const SmlProtocol = require('smartmeter-obis/lib/protocols/SmlProtocol') as SmlProtocolClass;

export const SML_BENCH_FIXTURES = ['smartmeter-obis-emh-ehz', 'smartmeter-obis-ttyUSB0-2-dump', 'sml-openems-iskra'] as const;

/** Distinct transport files per fixture, interleaved by meter (2,000 per meter). */
export function loadSmlBenchFiles(perFixture = 2000): Uint8Array[] {
  const files = distinctFrames('sml', SML_BENCH_FIXTURES, perFixture);
  for (const f of files.slice(0, SML_BENCH_FIXTURES.length)) if (!decodeSmlFile(f).ok) throw new Error('generated file not decoded');
  return files;
}

export function run(): void {
  const files = loadSmlBenchFiles();
  const m = SML_BENCH_FIXTURES.length;
  const states = SML_BENCH_FIXTURES.map(() => new SmlDecodeState());
  const decoders = SML_BENCH_FIXTURES.map(() => createSmlDecoder());
  const buffers = files.map((f) => Buffer.from(f));
  const n = files.length;
  let sink = 0;
  let failed = 0;
  const protocol = new SmlProtocol({ debug: 0, logger: () => undefined }, (err, data) => {
    if (err !== null || data === null) failed++;
    else for (const k in data) sink += materialise(data[k]?.values);
  });
  for (const b of buffers.slice(0, m)) protocol.handleMessage(b);
  if (failed > 0 || sink === 0) throw new Error('smartmeter-obis did not read the generated files');
  const peer = {
    name: 'smartmeter-obis SmlProtocol.handleMessage',
    unit: 'files',
    run: (i: number) => {
      protocol.handleMessage(buffers[i % n] as Buffer);
    },
  };
  const sizes = files.map((f) => f.length);
  compare(
    `SML, stream decoder (${m} meters, ${n} distinct files, ${Math.min(...sizes)}-${Math.max(...sizes)} bytes)`,
    {
      name: 'createSmlDecoder().push(bytes)',
      unit: 'files',
      run: (i) => {
        const events = (decoders[i % m] as (typeof decoders)[number]).push(files[i % n] as Uint8Array);
        const e = events[0];
        if (events.length !== 1 || e?.ok !== true) throw new Error('file not decoded');
        sink += materialise(e.snapshot.readings.map((r) => r.value));
      },
    },
    peer,
  );
  compare(
    `SML, one file (${m} meters, ${n} distinct files)`,
    {
      // one meter's state (server id, reading templates), as a stream decoder keeps it
      name: 'decodeSmlFile(bytes, {}, state)',
      unit: 'files',
      run: (i) => {
        const r = decodeSmlFile(files[i % n] as Uint8Array, {}, states[i % m]);
        if (!r.ok) throw new Error('file not decoded');
        sink += materialise(r.value.readings.map((x) => x.value));
      },
    },
    peer,
  );
  if (failed > 0) throw new Error('smartmeter-obis failed on a generated file');
  if (sink < 0) console.log(sink);
}
