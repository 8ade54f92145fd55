import { readFileSync } from 'node:fs';
import { hexToBytes } from '@smi/decoder';

export class UsageError extends Error {}

/** Reads FILE or standard input (`-` or none); with `hex`, hex text whose white space is ignored. */
export function readInput(file: string | undefined, hex: boolean): Buffer {
  let raw: Buffer;
  try {
    raw = file === undefined || file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file ?? 'standard input'}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (!hex) return raw;
  const bytes = hexToBytes(raw.toString('latin1'));
  if (!bytes) throw new UsageError(`${file ?? 'standard input'}: --hex input must be hex digits (white space and line breaks are ignored)`);
  return Buffer.from(bytes);
}
