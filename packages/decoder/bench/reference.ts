/**
 * A machine reference for the decoders that have no npm peer (DLMS/COSEM, M-Bus): a frozen piece of
 * JavaScript decoding work timed in turn with ours, as a peer would be, so that the ratio
 * ours ÷ reference follows our code and not the speed the shared machine has at the moment (the
 * regression check, `npm run bench:check`, compares ratios only). The work is the DSMR peer's:
 * `dsmr-parser` (pinned by the lockfile) parsing the DSMR benchmark telegrams, a real decoder's mix
 * of regular expressions, strings and small objects. It is no DLMS or M-Bus peer, so the ratio says
 * nothing about how we compare with one; a new `dsmr-parser` moves every DLMS and M-Bus baseline
 * figure (`packages/decoder/bench/baseline.json`, measured again then).
 */
import { loadDsmrBenchTelegrams } from './dsmr.bench';
import type { Case } from './harness';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const dsmrParser = require('dsmr-parser') as { parse(telegram: string): { objects: object } };

let telegrams: readonly string[] | undefined;

/** The reference as a benchmark case: one DSMR telegram parsed per call. */
export function referenceCase(sink: (n: number) => void): Case {
  telegrams ??= loadDsmrBenchTelegrams(200).texts;
  const texts = telegrams;
  return {
    name: 'reference: dsmr-parser (not a peer)',
    unit: 'telegrams',
    reference: true,
    // dsmr-parser builds its result eagerly; counting its objects is enough, and the reference does
    // not share `materialise` with the cases it is measured with (whose object shapes would then
    // make the reference's own speed depend on which suites ran before).
    run: (i) => sink(Object.keys(dsmrParser.parse(texts[i % texts.length] as string).objects).length),
  };
}
