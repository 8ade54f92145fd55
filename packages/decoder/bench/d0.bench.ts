/**
 * IEC 62056-21 (D0) readout decode: ours vs smartmeter-obis D0Protocol on the same readouts:
 * distinct readouts generated from the fixtures (energy and power values and the clock changed in
 * every readout, BCC recomputed where there is one), so per-stream reuse of unchanged lines
 * cannot make the figure. Both sides materialise the result.
 */
import { createD0Decoder } from '../src/iec62056-21';
import { compare, materialise } from './harness';
import { distinctFrames } from './inputs';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const D0Protocol = require('smartmeter-obis/lib/protocols/D0Protocol.js') as new (
  o: object,
  cb: (e: unknown, d: Record<string, { values: unknown }> | null) => void,
) => {
  initState(): void;
  checkMessage(b: Buffer): boolean;
  handleMessage(b: Buffer): Buffer | undefined;
  communicationState: number;
};

/** Fixture and distinct readouts generated from it (the MT174 readout is 9.5 kB with 343 values). */
export const D0_BENCH_FIXTURES: ReadonlyArray<readonly [string, number]> = [
  ['smartmeter-obis-emh-ehz-d0', 20000],
  ['smartmeter-obis-iskra-mt174', 2000],
  ['smartmeter-obis-itron-em214', 20000],
];

export function run(): void {
  for (const [fixture, count] of D0_BENCH_FIXTURES) {
    const inputs = distinctFrames('d0', [fixture], count).map((b) => Buffer.from(b));
    const n = inputs.length;
    const decoder = createD0Decoder();
    let decoded = 0;
    let sink = 0;
    compare(
      `IEC 62056-21 readout ${fixture.replace('smartmeter-obis-', '')} (${inputs[0]?.length} bytes, ${n} distinct readouts)`,
      {
        name: 'ours: createD0Decoder().push + flush',
        unit: 'readouts',
        run: (i) => {
          const b = inputs[i % n] as Buffer;
          for (const e of [...decoder.push(b), ...decoder.flush()]) {
            if (!e.ok) throw new Error('readout not decoded');
            decoded++;
            sink += materialise(e.snapshot.readings.map((r) => r.value));
          }
        },
      },
      {
        name: 'smartmeter-obis D0Protocol',
        unit: 'readouts',
        run: (i) => {
          const b = inputs[i % n] as Buffer;
          const p = new D0Protocol({ transportSerialBaudrate: 300, debug: 0, logger: () => undefined }, (e, d) => {
            if (d !== null) for (const k in d) sink += materialise(d[k]?.values);
          });
          p.initState();
          if (p.checkMessage(b)) {
            const rest = p.handleMessage(b);
            p.communicationState = 4;
            if (rest && p.checkMessage(rest)) p.handleMessage(rest);
          }
        },
      },
    );
    if (decoded === 0) throw new Error(`${fixture}: nothing decoded`);
    if (sink < 0) console.log(sink);
  }
}
