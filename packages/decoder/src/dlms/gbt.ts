import { ByteQueue, fail, ok, type Result } from '../common';
import { AxdrReader } from './axdr';

/** APDU tag of general-block-transfer (§4.3). */
export const GENERAL_BLOCK_TRANSFER = 0xe0;
/** Largest APDU accepted from blocks. */
export const GBT_MAX_APDU = 65536;

export interface GbtBlock {
  readonly last: boolean;
  readonly streaming: boolean;
  readonly window: number;
  readonly blockNumber: number;
  readonly ackNumber: number;
  /** Raw block data (a view into the input). */
  readonly data: Uint8Array;
}

const LAYER = 'gbt';
/** The answer while blocks are still coming (one shared object). */
const PENDING = ok(undefined);

/** Parses `E0 · block-control · block-number (2) · block-number-ack (2) · BER length · data`. */
export function parseGbtBlock(apdu: Uint8Array): Result<GbtBlock> {
  if (apdu[0] !== GENERAL_BLOCK_TRANSFER) return fail('bad-format', LAYER, 'APDU is not general-block-transfer (E0)', 0);
  if (apdu.length < 7) return fail('truncated', LAYER, 'block shorter than its header', apdu.length);
  const control = apdu[1] as number;
  let length = apdu[6] as number;
  let pos = 7;
  if (length >= 0x80) {
    // a long-form BER length (blocks of 128 bytes and more)
    const r = new AxdrReader(apdu, 6);
    const long = r.berLength();
    if (long === undefined) return { ok: false, error: r.error ?? fail('truncated', LAYER, 'block length', 6).error };
    length = long;
    pos = r.pos;
  }
  if (pos + length !== apdu.length) return fail('bad-length', LAYER, `block length ${length} disagrees with ${apdu.length - pos} bytes`, 6);
  return ok({
    last: (control & 0x80) !== 0,
    streaming: (control & 0x40) !== 0,
    window: control & 0x3f,
    blockNumber: ((apdu[2] as number) << 8) | (apdu[3] as number),
    ackNumber: ((apdu[4] as number) << 8) | (apdu[5] as number),
    data: apdu.subarray(pos),
  });
}

export interface GbtAssembler {
  /** Adds a block; returns the whole APDU after the last block, undefined while blocks are coming. */
  push(block: GbtBlock): Result<Uint8Array | undefined>;
  reset(): void;
}

/**
 * Joins GBT blocks (L+G E450/E570 send one per HDLC frame). Block 1 always starts a new APDU (a
 * partial one is dropped); any other gap in the numbering drops the partial APDU with an error.
 */
export function createGbtAssembler(): GbtAssembler {
  const apdu = new ByteQueue();
  let next = 0; // expected block number; 0 = nothing in progress
  const reset = (): void => {
    apdu.clear();
    next = 0;
  };
  return {
    reset,
    push(block) {
      if (block.blockNumber === 1) reset();
      else if (next === 0) return fail('bad-format', LAYER, `block ${block.blockNumber} without block 1`);
      else if (block.blockNumber !== next) {
        const expected = next;
        reset();
        return fail('bad-format', LAYER, `block ${block.blockNumber} where ${expected} was expected; partial APDU dropped`);
      }
      apdu.append(block.data);
      next = block.blockNumber + 1;
      if (apdu.length > GBT_MAX_APDU) {
        reset();
        return fail('too-long', LAYER, `APDU over ${GBT_MAX_APDU} bytes`);
      }
      if (!block.last) return PENDING;
      next = 0;
      return ok(apdu.take());
    },
  };
}
