/**
 * DSMR P1 throughput: our stream decoder and telegram decoder against the npm package
 * `dsmr-parser` (`parse(string)`), on the same telegrams: distinct telegrams generated from the
 * fixtures `dsmr-parser` accepts (DSMR 4/5 with a 4-digit CRC and CR LF line ends), energy and
 * power values and meter time changed in every telegram, CRC recomputed. One decoder (one meter's
 * state) per fixture. Each call decodes one telegram in full and both sides materialise the result.
 */
import { createDsmrDecoder, createDsmrTelegramDecoder, decodeDsmrTelegram } from '../src/dsmr';
import { compare, materialise } from './harness';
import { distinctFrames } from './inputs';

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

/** Distinct telegrams per fixture, interleaved by meter (2,000 per meter, 20,000 in all). */
export function loadDsmrBenchTelegrams(perFixture = 2000): { bytes: Uint8Array[]; texts: string[] } {
  const bytes = distinctFrames('dsmr', DSMR_BENCH_FIXTURES, perFixture);
  const texts = bytes.map((b) => Buffer.from(b).toString('latin1'));
  // Same input, same outcome: the first telegram of every meter decodes on both sides.
  bytes.slice(0, DSMR_BENCH_FIXTURES.length).forEach((b, i) => {
    if (!decodeDsmrTelegram(b).ok) throw new Error(`${DSMR_BENCH_FIXTURES[i] ?? ''}: not decoded`);
    dsmrParser.parse(texts[i] ?? '');
  });
  return { bytes, texts };
}

export function run(): void {
  const { bytes, texts } = loadDsmrBenchTelegrams();
  const n = bytes.length;
  const m = DSMR_BENCH_FIXTURES.length;
  const decoders = DSMR_BENCH_FIXTURES.map(() => createDsmrDecoder());
  const telegramDecoders = DSMR_BENCH_FIXTURES.map(() => createDsmrTelegramDecoder());
  let sink = 0;
  const peer = {
    name: 'dsmr-parser parse(string)',
    unit: 'telegrams',
    run: (i: number) => {
      sink += materialise(dsmrParser.parse(texts[i % n] as string).objects);
    },
  };
  const sizes = bytes.map((b) => b.length);
  compare(
    `DSMR P1, stream decoder (${m} meters, ${n} distinct telegrams, ${Math.min(...sizes)}-${Math.max(...sizes)} bytes)`,
    {
      name: 'createDsmrDecoder().push(bytes)',
      unit: 'telegrams',
      run: (i) => {
        const events = (decoders[i % m] as (typeof decoders)[number]).push(bytes[i % n] as Uint8Array);
        const e = events[0];
        if (events.length !== 1 || e?.ok !== true) throw new Error('telegram not decoded');
        sink += materialise(e.snapshot.readings.map((r) => r.value));
      },
    },
    peer,
  );
  compare(
    `DSMR P1, one telegram (${m} meters, ${n} distinct telegrams)`,
    {
      // one meter's state (OBIS tables, templates), as a stream decoder keeps it
      name: 'createDsmrTelegramDecoder()(bytes)',
      unit: 'telegrams',
      run: (i) => {
        const r = (telegramDecoders[i % m] as (typeof telegramDecoders)[number])(bytes[i % n] as Uint8Array);
        if (!r.ok) throw new Error('telegram not decoded');
        sink += materialise(r.value.readings.map((x) => x.value));
      },
    },
    peer,
  );
  if (sink < 0) console.log(sink); // keeps the results alive
}
