import { ByteQueue, fail, ok, type Result } from '../common';
import type { HdlcFrame } from './frame';

/** Largest APDU accepted from segmented frames (a guard against a stream of S=1 frames). */
export const HDLC_MAX_APDU = 65536;

export interface HdlcReassembler {
  /**
   * Adds a frame. Returns the whole information field (segments concatenated in order) when the
   * frame ends an APDU (S = 0), undefined while segments are still coming, or an error when the
   * segments cannot belong together (the partial APDU is dropped).
   */
  push(frame: HdlcFrame): Result<Uint8Array | undefined>;
  /** Drops a partial APDU. */
  reset(): void;
}

const LAYER = 'hdlc';
/** The answer while segments are still coming (one shared object). */
const PENDING = ok(undefined);

function sameAddresses(a: HdlcFrame, b: HdlcFrame): boolean {
  return a.destination.value === b.destination.value && a.source.value === b.source.value;
}

/** Joins the information fields of segmented frames (format bit S) into one APDU (§4.1). */
export function createHdlcReassembler(): HdlcReassembler {
  const apdu = new ByteQueue();
  let first: HdlcFrame | undefined;
  const reset = (): void => {
    apdu.clear();
    first = undefined;
  };
  return {
    reset,
    push(frame) {
      if (first && !sameAddresses(first, frame)) {
        reset();
        return fail('bad-format', LAYER, 'segment from another address pair; partial APDU dropped');
      }
      if (!first && !frame.segmented) return ok(frame.information);
      first ??= frame;
      apdu.append(frame.information);
      if (apdu.length > HDLC_MAX_APDU) {
        reset();
        return fail('too-long', LAYER, `segmented APDU over ${HDLC_MAX_APDU} bytes`);
      }
      if (frame.segmented) return PENDING;
      first = undefined;
      return ok(apdu.take());
    },
  };
}
