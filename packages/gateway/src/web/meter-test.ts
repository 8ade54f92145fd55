import type { MeterConfig } from '../config/schema';
import { createMeterTransport } from '../detect/meter-transport';
import type { Logger } from '../log';
import { createMeterDecoder } from '../meter-decoder';
import { MeterPipeline } from '../pipeline';
import { FrameLog } from './frame-log';
import type { UiTestResult } from './ui/types';

/** Longest a Test may wait for a frame. */
export const MAX_TEST_MS = 30000;

/**
 * Setup's Test: reads the candidate meter with its own transport and decoder until the first
 * frame event (decoded, or refused with its error kind) or the time is up (nothing decoded: the
 * bytes received, if any, are counted — typically a wrong baud rate or the wrong port).
 */
export async function testMeter(m: MeterConfig, timeoutMs: number, log: Logger, timeZone: string | undefined): Promise<UiTestResult> {
  const decoder = createMeterDecoder(m);
  if (!decoder.ok) return { outcome: 'invalid', message: decoder.error };
  const frames = new FrameLog(1);
  let bytes = 0;
  const wrapped = frames.wrap('test', decoder.value);
  const counting = new Proxy(wrapped, {
    get(target, prop) {
      if (prop === 'push')
        return (chunk: Uint8Array) => {
          bytes += chunk.length;
          return target.push(chunk);
        };
      return Reflect.get(target, prop, target) as unknown;
    },
  });
  const pipeline = new MeterPipeline({
    name: 'test',
    transport: createMeterTransport(m, log, 'setup test'),
    decoder: counting,
    sink: { snapshot: () => undefined, rejected: () => undefined, silent: () => undefined },
    log,
    staleAfterMs: 3600 * 1000,
    timeZone,
    meterId: m.id,
  });
  const started = Date.now();
  pipeline.start();
  try {
    const limit = Math.min(timeoutMs, MAX_TEST_MS);
    while (Date.now() - started < limit && frames.recent('test').length === 0) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await pipeline.stop();
  }
  const first = frames.recent('test')[0];
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  if (!first)
    return {
      outcome: 'nothing',
      seconds,
      bytes,
      message: bytes
        ? `${bytes} bytes received, no frame found: wrong baud rate, parity or protocol?`
        : 'no bytes received: wrong port, cable, or the meter sends nothing',
    };
  if (first.snapshot) {
    const s = first.snapshot;
    return {
      outcome: 'decoded',
      seconds,
      bytes,
      meterId: s.meter.id,
      protocol: s.protocol,
      readings: s.readings.map((r) => ({
        key: r.key,
        name: r.name,
        value: r.value === null || typeof r.value !== 'object' ? r.value : JSON.stringify(r.value),
        ...(r.unit ? { unit: r.unit } : {}),
      })),
    };
  }
  return { outcome: 'refused', seconds, bytes, error: { kind: first.error?.kind ?? 'bad-format', message: first.error?.message ?? '' } };
}
