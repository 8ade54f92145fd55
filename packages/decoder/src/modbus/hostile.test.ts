import type { FrameEvent, StreamDecoder } from '../common/stream';
import { seededRandom } from '../common/testing';
import { buildHostileStream, checkHostileStream, decodeAlone, noise, randomBytes, runHostileStream } from '../test-support/hostile-stream';
import { encodeModbusValue } from './registers';
import { encodeModbusRtu, ModbusRtuFramer, MODBUS_RTU_MAX_FRAME } from './rtu';

/**
 * The framer contract (common/framer.ts rules 2–5) for the RTU framer with the one-harness
 * hostile streams: answers of unit 1 to reads of input registers (function 4), as an SDM630
 * sends them, interleaved with cut, bit-flipped and garbage copies. The adapter reports each
 * frame as a snapshot named by its bytes, so the harness can tell frames apart.
 */
function makeDecoder(): StreamDecoder {
  const framer = new ModbusRtuFramer({ kind: 'response', unitId: 1, function: 4 });
  const toEvents = (events: ReturnType<ModbusRtuFramer['push']>): FrameEvent[] =>
    events.map((e) =>
      e.ok
        ? { ok: true, frame: e.frame.bytes, snapshot: { protocol: 'modbus', meter: { id: Buffer.from(e.frame.bytes).toString('hex') }, readings: [] } }
        : { ok: false, error: e.error },
    );
  return {
    protocol: 'modbus',
    push: (chunk) => toEvents(framer.push(chunk)),
    flush: () => toEvents(framer.flush()),
    get discardedBytes() {
      return framer.discardedBytes;
    },
    get pendingBytes() {
      return framer.pendingBytes;
    },
  };
}

/** SDM630 answers: voltages, currents, a full 80-register block, an exception. */
const answer = (values: number[]): Uint8Array => {
  const regs = values.flatMap((v) => encodeModbusValue(v, 'float32'));
  return encodeModbusRtu(1, Uint8Array.of(4, regs.length * 2, ...regs.flatMap((r) => [r >> 8, r & 0xff])));
};
const FRAMES = [
  answer([230.2]),
  answer([230.1, 231.2, 229.8]),
  answer([1.5, 2.25, 0.5, 345, -100, 115]),
  answer(Array.from({ length: 40 }, (_, i) => i * 1.5)),
  encodeModbusRtu(1, Uint8Array.of(0x84, 0x02)),
];

describe('Modbus RTU framer in hostile streams', () => {
  it('every frame decodes alone to one frame', () => {
    expect(FRAMES.map((f) => decodeAlone(makeDecoder, f).length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('200 seeded hostile streams: every good frame exactly once, in order, no corrupted copy accepted', () => {
    const references = FRAMES.map((f) => decodeAlone(makeDecoder, f)[0] as string);
    const totals = { lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0, undetectable: 0 };
    for (let seed = 1; seed <= 200; seed++) {
      const rng = seededRandom(seed);
      const stream = buildHostileStream(FRAMES, rng, { markers: [Uint8Array.of(1), Uint8Array.of(1, 4), Uint8Array.of(1, 0x84)] });
      const v = checkHostileStream(stream, runHostileStream(makeDecoder, stream.bytes, rng).events, references, makeDecoder, FRAMES);
      totals.lost += v.lost;
      totals.accepted += v.accepted;
      totals.duplicated += v.duplicated;
      totals.outOfOrder += v.outOfOrder;
      totals.undetectable += v.undetectable;
    }
    expect(totals).toEqual({ lost: 0, accepted: 0, duplicated: 0, outOfOrder: 0, undetectable: 0 });
  });

  it('1 MB of random bytes yields no frame and never holds more than one frame', () => {
    const r = noise(makeDecoder, randomBytes(seededRandom(7), 1024 * 1024), seededRandom(8), 4096);
    expect(r.frames).toBe(0);
    expect(r.peakPending).toBeLessThanOrEqual(MODBUS_RTU_MAX_FRAME);
  });
});
