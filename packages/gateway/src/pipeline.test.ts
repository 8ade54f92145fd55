/** The pipeline's stale timer: one per meter, restarted by every frame, fires once after silence. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import { assetsDir } from './assets';
import { createLogger } from './log';
import { MeterPipeline } from './pipeline';
import { Transport } from './transports';

const ISKRA = readFileSync(join(assetsDir(), 'simulator', 'dsmr-v5-iskra.txt'));

/** A byte source the test feeds by hand. */
class HandTransport extends Transport {
  readonly description = 'hand';
  start(): void {
    this.emit('state', 'open');
  }
  async stop(): Promise<void> {}
  feed(bytes: Buffer): void {
    this.emit('data', bytes);
  }
}

describe('MeterPipeline stale timer', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('marks the meter offline once after staleAfterMs without a frame; every frame restarts the wait', async () => {
    const decoder = createDecoder('dsmr');
    if (!decoder.ok) throw new Error(decoder.error);
    const transport = new HandTransport();
    const snapshots: MeterSnapshot[] = [];
    const silent: string[][] = [];
    const log: string[] = [];
    const pipeline = new MeterPipeline({
      name: 'p1',
      transport,
      decoder: decoder.value,
      sink: { snapshot: (s) => snapshots.push(s), rejected: () => undefined, silent: (ids) => silent.push([...ids]) },
      log: createLogger('warn', [], (line) => log.push(line)),
      staleAfterMs: 1000,
    });
    pipeline.start();
    transport.feed(ISKRA);
    expect(snapshots.map((s) => s.meter.id)).toEqual(['K8EG004046395507']);
    jest.advanceTimersByTime(800);
    transport.feed(ISKRA); // restarts the wait
    jest.advanceTimersByTime(800);
    expect(silent).toEqual([]);
    jest.advanceTimersByTime(250);
    expect(silent).toEqual([['K8EG004046395507']]);
    expect(log.filter((l) => l.includes('no frame for 1 s; marking K8EG004046395507 offline'))).toHaveLength(1);
    jest.advanceTimersByTime(5000);
    expect(silent).toHaveLength(1); // once, not every second
    transport.feed(ISKRA); // back: the wait starts again
    jest.advanceTimersByTime(999);
    expect(silent).toHaveLength(1);
    jest.advanceTimersByTime(2);
    expect(silent).toHaveLength(2);
    expect(snapshots).toHaveLength(3);
    await pipeline.stop();
  });
});
