import { closeSync, openSync, read } from 'node:fs';
import type { Readable } from 'node:stream';

export class UsageError extends Error {}

/** Chunk size the CLI reads and feeds the decoders with. */
export const CHUNK_SIZE = 65536;

const HEX_SEPARATORS = /[\s:,-]+/g;
const NOT_HEX = /[^0-9a-f]/i;

/**
 * Hex text → bytes, incrementally: the text may be split anywhere (mid-byte, inside `0x`). White
 * space, line breaks, `0x` prefixes and `:`/`,`/`-` separators are ignored, as in `hexToBytes`.
 */
export class HexStream {
  /** A trailing `0` that may be the start of a `0x` split across chunks. */
  private held = '';
  /** An odd hex digit waiting for its partner. */
  private half = '';

  constructor(private readonly source: string) {}

  push(chunk: Uint8Array): Uint8Array {
    let text = this.held + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.held = '';
    if (text.endsWith('0')) {
      this.held = '0';
      text = text.slice(0, -1);
    }
    return this.digits(text);
  }

  /** End of input: the rest, or a UsageError when a digit is left without its partner. */
  end(): Uint8Array {
    const rest = this.digits(this.held);
    this.held = '';
    if (this.half !== '') throw this.invalid();
    return rest;
  }

  private digits(text: string): Uint8Array {
    const clean = this.half + text.replace(/0x/gi, '').replace(HEX_SEPARATORS, '');
    if (NOT_HEX.test(clean)) throw this.invalid();
    const even = clean.length - (clean.length % 2);
    this.half = clean.slice(even);
    return Buffer.from(clean.slice(0, even), 'hex');
  }

  private invalid(): UsageError {
    return new UsageError(`${this.source}: --hex input must be hex digits (white space and line breaks are ignored)`);
  }
}

function sourceName(file: string | undefined): string {
  return file === undefined || file === '-' ? 'standard input' : file;
}

/** An opened input: a file descriptor read into one reused buffer, or a stream (standard input, tests). */
export type Input = { readonly kind: 'file'; readonly fd: number } | { readonly kind: 'stream'; readonly stream: Readable };

/**
 * Opens FILE or standard input (`-` or none). Opening is synchronous so that a missing file is a
 * UsageError before anything is printed; read errors later surface from `readChunks`.
 */
export function openInput(file: string | undefined): Input {
  if (file === undefined || file === '-') return { kind: 'stream', stream: process.stdin };
  try {
    return { kind: 'file', fd: openSync(file, 'r') };
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

function readInto(fd: number, buffer: Buffer): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, 0, buffer.length, null, (e, n) => (e ? reject(e) : resolve(n))));
}

/**
 * Raw chunks as they arrive. A file is read 64 KiB at a time into one reused buffer (no garbage
 * per chunk, so memory stays flat): each chunk is valid until the next one is requested, which
 * the stream decoders allow (they copy what they keep).
 */
async function* rawChunks(input: Input): AsyncGenerator<Uint8Array> {
  if (input.kind === 'stream') {
    for await (const chunk of input.stream as AsyncIterable<Buffer | string>) yield typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
    return;
  }
  const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
  try {
    for (let n = await readInto(input.fd, buffer); n > 0; n = await readInto(input.fd, buffer)) yield buffer.subarray(0, n);
  } finally {
    closeSync(input.fd);
  }
}

/**
 * The input as chunks of at most 64 KiB, as they arrive (a live serial port piped in works); with
 * `hex`, hex text decoded on the fly. Nothing is collected. A chunk is valid until the next is requested.
 */
export async function* readChunks(file: string | undefined, hex: boolean, input: Input = openInput(file)): AsyncGenerator<Uint8Array> {
  const name = sourceName(file);
  const text = hex ? new HexStream(name) : undefined;
  try {
    for await (const raw of rawChunks(input)) {
      const bytes = text ? text.push(raw) : raw;
      for (let i = 0; i < bytes.length; i += CHUNK_SIZE) yield bytes.subarray(i, i + CHUNK_SIZE);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${name}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (text) {
    const rest = text.end();
    if (rest.length > 0) yield rest;
  }
}
