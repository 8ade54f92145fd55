/**
 * DLMS/COSEM throughput on distinct encrypted pushes generated from the fixtures with published
 * keys: the L+G E570 push (5 HDLC frames, general-block-transfer, general-glo-ciphering,
 * AES-128-GCM) and the Netz NÖ / EVN Kaifa MA309 sample (2 wired M-Bus long frames, glo-ciphering
 * without tag). Every push carries new energy and power values, a later date-time and a fresh
 * invocation counter, encrypted again. Each call decodes one push in full: frames checked and
 * joined, replay check, decryption, A-XDR, a typed MeterSnapshot. Goal (issue 12): ≥ 100,000
 * encrypted pushes/s on one core.
 *
 * The replay check is the real one; only when the inputs start over (every 2,000 pushes) is it
 * reset, as after a meter exchange, since the invocation counters come round again.
 *
 * There is no npm peer: each case runs in turn with the machine reference (bench/reference.ts), and
 * the ratio to it is what `npm run bench:check` guards.
 */
import type { FrameCounterTracker } from '../src/crypto';
import { createFrameCounterTracker } from '../src/crypto';
import { createDlmsDecoder, createReadingCache, decodeDlmsPush } from '../src/dlms';
import { frameSource } from './gen';
import { compare, materialise } from './harness';
import { FIXTURES_DIR } from './inputs';
import { cutStream } from './mbus.bench';
import { referenceCase } from './reference';

const PUSHES = 2000;

interface Meter {
  readonly title: string;
  readonly fixture: string;
  readonly key: string;
}

const METERS: readonly Meter[] = [
  { title: 'L+G E570, HDLC, 5 frames, GBT, GCM', fixture: 'dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data', key: '101112131415161718191A1B1C1D1E1F' },
  { title: 'Kaifa MA309 (EVN), M-Bus, 2 frames, GCM', fixture: 'dlms-mbus-gcm/netznoe-evn-kaifa-ma309-doc-sample', key: '36C66639E48A8CA4D6BC8B282A793BBB' },
];

/** The real tracker, reset when the inputs start over (`i % n === 0`). */
function cyclingTracker(): FrameCounterTracker & { wrap(i: number, n: number): void } {
  const t = createFrameCounterTracker();
  return {
    isFresh: (st, ic) => t.isFresh(st, ic),
    accept: (st, ic) => t.accept(st, ic),
    last: (st) => t.last(st),
    reset: (st) => t.reset(st),
    wrap(i, n) {
      if (i % n === 0) t.reset();
    },
  };
}

export function run(): void {
  let sink = 0;
  for (const meter of METERS) {
    const source = frameSource('dlms', meter.fixture, 1, FIXTURES_DIR);
    const pushes = Array.from({ length: PUSHES }, () => source.next().bytes);
    const key = Buffer.from(meter.key, 'hex');
    // The joined APDUs, as a caller decoding APDU by APDU has them.
    const first = createDlmsDecoder({ key });
    const apdus = pushes.map((p) => {
      const [e, ...more] = first.push(p);
      if (!e?.ok || more.length > 0 || e.snapshot.readings.length === 0) throw new Error(`${meter.fixture}: not decoded`);
      return e.frame.slice();
    });
    const stream = cutStream(pushes);
    const counters = cyclingTracker();
    const decoder = createDlmsDecoder({ key, counters });
    if (decoder.push(stream.prime).length !== 0) throw new Error('half a push decoded');
    const sizes = pushes.map((p) => p.length);
    compare(
      `DLMS encrypted push, stream decoder: ${meter.title} (${PUSHES} distinct pushes, ${Math.min(...sizes)} bytes)`,
      {
        name: 'createDlmsDecoder({ key }).push(chunk)',
        unit: 'pushes',
        run: (i) => {
          counters.wrap(i, PUSHES); // chunk i completes push i
          const events = decoder.push(stream.chunks[i % PUSHES] as Uint8Array);
          const e = events[0];
          if (events.length !== 1 || e?.ok !== true) throw new Error(`push not decoded: ${e?.ok === false ? e.error.message : events.length}`);
          sink += materialise(e.snapshot.readings.map((r) => r.value));
        },
      },
      referenceCase((n) => (sink += n)),
    );
    // A caller decoding APDUs one by one keeps a reading cache, as the stream decoder does.
    const apduCounters = cyclingTracker();
    const options = { key, counters: apduCounters, cache: createReadingCache() };
    compare(
      `DLMS encrypted push, one APDU: ${meter.title} (${PUSHES} distinct APDUs, ${apdus[0]?.length ?? 0} bytes)`,
      {
        name: 'decodeDlmsPush(apdu, { key, counters, cache })',
        unit: 'pushes',
        run: (i) => {
          apduCounters.wrap(i, PUSHES);
          const r = decodeDlmsPush(apdus[i % PUSHES] as Uint8Array, options);
          if (!r.ok) throw new Error(`push not decoded: ${r.error.message}`);
          sink += materialise(r.value.readings.map((x) => x.value));
        },
      },
      referenceCase((n) => (sink += n)),
    );
  }
  if (sink < 0) console.log(sink); // keeps the results alive
}
