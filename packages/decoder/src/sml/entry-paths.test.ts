import { decodeSmlFile, parseSmlFile, type SmlOptions } from './stream-decoder';
import { buildSmlSnapshot } from './snapshot';
import { encodeSmlFile, encodeSmlMessage, smlw } from './encode';
import { seededRandom } from '../common/testing';

/**
 * decodeSmlFile reads GetList.Res entries through a one-pass reader for the usual encodings and
 * falls back to the general reader for anything else; parseSmlFile + buildSmlSnapshot always take
 * the general reader. Both must give the same snapshot, or the same error, for any entry.
 */

const SERVER = [0x0a, 0x01, 0x49, 0x53, 0x4b, 0x00, 0x05, 0x16, 0x46, 0x5c];

function structured(file: Uint8Array, options: SmlOptions = {}): unknown {
  const f = parseSmlFile(file, options);
  if (!f.ok) return f;
  const { messages, quirks, serverId, model } = f.value;
  return {
    ok: true,
    value: buildSmlSnapshot(messages, { quirks, ...(serverId !== undefined && { serverId }), ...(model !== undefined && { model }) }),
  };
}

describe('GetList.Res entries: one-pass reader and general reader agree', () => {
  it('on random entries (usual and unusual encodings) and on their corruptions', () => {
    const random = seededRandom(0xe17);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
    const int = (max: number): number => Math.floor(random() * max);
    const obisNames = [
      [1, 0, 1, 8, 0, 255],
      [1, 0, 16, 7, 0, 255],
      [1, 0, 96, 50, 1, 1],
      [129, 129, 199, 130, 3, 255],
      [1, 0, 0, 0, 9, 255],
      [1, 0, 32, 7, 0],
    ];
    const values = (): number[] =>
      pick([
        () => smlw.uint(int(2 ** 31), 1 + int(8)),
        () => smlw.int(int(2 ** 31) - 2 ** 30, 1 + int(8)),
        () => smlw.octets(Array.from({ length: int(20) }, () => 32 + int(95))),
        () => smlw.octets(Array.from({ length: 16 + int(60) }, () => int(256))), // multi-byte TL
        () => smlw.bool(random() < 0.5),
        () => smlw.absent(),
        () => smlw.list(smlw.uint(2), smlw.uint(1_600_000_000 + int(1000), 4)),
        () => [0x42, 0x01, 0x00], // boolean of 2 bytes
        () => [0x59, 0xff], // integer cut short
      ])();
    const optional = (f: () => number[]): number[] => (random() < 0.5 ? smlw.absent() : f());
    for (let k = 0; k < 300; k++) {
      const entries = Array.from({ length: 1 + int(6) }, () =>
        smlw.list(
          smlw.octets(pick(obisNames)),
          optional(() => pick([smlw.uint(int(256), 1), smlw.uint(int(2 ** 20), 3), smlw.uint(5, 9)])),
          optional(() => pick([smlw.time(1, int(2 ** 31)), smlw.time(2, int(2 ** 31)), smlw.list(smlw.uint(3), smlw.uint(5, 4)), smlw.uint(7, 4)])),
          optional(() => pick([smlw.uint(30), smlw.uint(27), smlw.uint(255), smlw.uint(300, 2)])),
          optional(() => pick([smlw.int(-1), smlw.int(-4), smlw.int(2), smlw.int(1, 2)])),
          values(),
          random() < 0.9 ? smlw.absent() : smlw.octets([1, 2, 3]),
        ),
      );
      const message = encodeSmlMessage({
        transactionId: [0x10, k & 0xff],
        tag: 0x0701,
        body: smlw.list(smlw.absent(), smlw.octets(SERVER), smlw.absent(), smlw.absent(), smlw.list(...entries), smlw.absent(), smlw.absent()),
      });
      const file = encodeSmlFile([message]);
      expect(decodeSmlFile(file)).toEqual(structured(file));
      // A corrupted copy (message CRC then fails, or the structure breaks): same outcome too.
      const broken = file.slice();
      const at = 8 + int(message.length);
      broken[at] = (broken[at] as number) ^ (1 + int(255));
      expect(decodeSmlFile(broken, { acceptBadFileCrc: true })).toEqual(structured(broken, { acceptBadFileCrc: true }));
    }
  });
});
