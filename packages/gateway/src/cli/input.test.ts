import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { hexToBytes } from '@smi/decoder';
import { HexStream, readChunks, UsageError } from './input';

const TEXT = '0x2F 49:53-4B,35\n\t0X0d0a 00ff 0x00 10 0';

/** Feeds `text` to a HexStream split at every given offset and joins the bytes. */
function streamed(text: string, cuts: number[]): string {
  const h = new HexStream('test');
  const parts: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    parts.push(Buffer.from(h.push(Buffer.from(text.slice(from, cut), 'latin1'))));
    from = cut;
  }
  parts.push(Buffer.from(h.end()));
  return Buffer.concat(parts).toString('hex');
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

describe('HexStream', () => {
  const whole = Buffer.from(hexToBytes(TEXT + '0') ?? []).toString('hex');

  it('decodes hex text like hexToBytes wherever the text is split (mid-byte, inside 0x, in white space)', () => {
    expect(whole).toBe('2f49534b350d0a00ff0010' + '00');
    for (let cut = 0; cut <= TEXT.length + 1; cut++) expect(streamed(TEXT + '0', [cut])).toBe(whole);
    expect(
      streamed(
        TEXT + '0',
        Array.from({ length: TEXT.length }, (_, i) => i + 1),
      ),
    ).toBe(whole);
  });

  it('rejects non-hex characters and an odd number of digits as usage errors', () => {
    expect(() => streamed('2F 4G', [])).toThrow(UsageError);
    expect(() => streamed('2F 4', [2])).toThrow('--hex input must be hex digits');
  });
});

describe('readChunks', () => {
  it('yields chunks of at most 64 KiB as they arrive, hex decoded on the fly', async () => {
    const big = Buffer.alloc(200_000, 0x41);
    const sizes: number[] = [];
    for await (const c of readChunks('x', false, { kind: 'stream', stream: Readable.from([big]) })) sizes.push(c.length);
    expect(sizes).toEqual([65536, 65536, 65536, 200_000 - 3 * 65536]);
    const hex = Readable.from([Buffer.from('2f4'), Buffer.from('9 53\n4'), Buffer.from('b')]);
    expect((await collect(readChunks('x', true, { kind: 'stream', stream: hex }))).toString('latin1')).toBe('/ISK');
  });

  it('turns a read error into a usage error naming the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'smi-input-'));
    writeFileSync(join(dir, 'f'), 'x');
    await expect(collect(readChunks(dir, false))).rejects.toThrow(`cannot read ${dir}: EISDIR`);
  });
});
