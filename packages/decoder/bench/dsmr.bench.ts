/**
 * DSMR P1 throughput: our stream decoder and telegram decoder against the npm package
 * `dsmr-parser` (`parse(string)`), on the same telegrams: the fixtures `dsmr-parser` accepts
 * (DSMR 4/5 with a valid 4-digit CRC and CR LF line ends). Each call decodes one telegram in
 * full: CRC checked, every object read, a complete typed MeterSnapshot built.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDsmrDecoder, createDsmrTelegramDecoder, decodeDsmrTelegram } from '../src/dsmr';
import { compare } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dsmrParser = require('dsmr-parser') as { parse(telegram: string): { objects: object } };

/** The fixtures `dsmr-parser` parses (the others: DSMR 2.2/3.0, no CRC, CRC of 3 digits, Nordic). */
export const DSMR_BENCH_FIXTURES = [
  'amshan-ell5-253833635',
  'amshan-landisgyr-e360-d',
  'fluvius-v171',
  'fluvius-v171-alt',
  'iskra-ie-am550',
  'sagemcom-t210-d-r-plain',
  'v4_2-kaifa',
  'v5-eon-hungary-sagemcom',
  'v5-iskra-am550-two-mbus',
  'v5-iskra-mt382',
] as const;

const DIR = join(__dirname, '../fixtures/dsmr');

export function loadDsmrBenchTelegrams(): { bytes: Uint8Array[]; texts: string[] } {
  const bytes = DSMR_BENCH_FIXTURES.map((name) => new Uint8Array(readFileSync(join(DIR, `${name}.txt`))));
  const texts = bytes.map((b) => Buffer.from(b).toString('latin1'));
  // Same input, same outcome: every telegram decodes on both sides.
  bytes.forEach((b, i) => {
    if (!decodeDsmrTelegram(b).ok) throw new Error(`${DSMR_BENCH_FIXTURES[i] ?? ''}: not decoded`);
    dsmrParser.parse(texts[i] ?? '');
  });
  return { bytes, texts };
}

export function run(): void {
  const { bytes, texts } = loadDsmrBenchTelegrams();
  const n = bytes.length;
  const decoder = createDsmrDecoder();
  const decodeTelegram = createDsmrTelegramDecoder();
  let sink = 0;
  const peer = {
    name: 'dsmr-parser parse(string)',
    unit: 'telegrams',
    run: (i: number) => {
      sink += Object.keys(dsmrParser.parse(texts[i % n] as string).objects).length;
    },
  };
  compare(
    `DSMR P1, stream decoder (${n} telegrams, 481-1423 bytes)`,
    {
      name: 'createDsmrDecoder().push(bytes)',
      unit: 'telegrams',
      run: (i) => {
        const events = decoder.push(bytes[i % n] as Uint8Array);
        if (events.length !== 1 || events[0]?.ok !== true) throw new Error('telegram not decoded');
      },
    },
    peer,
  );
  compare(
    `DSMR P1, one telegram (${n} telegrams)`,
    {
      // one meter's state (OBIS tables, templates), as a stream decoder keeps it
      name: 'createDsmrTelegramDecoder()(bytes)',
      unit: 'telegrams',
      run: (i) => {
        const r = decodeTelegram(bytes[i % n] as Uint8Array);
        if (!r.ok) throw new Error('telegram not decoded');
      },
    },
    peer,
  );
  if (sink < 0) console.log(sink); // keeps the peer's result alive
}
