import { ByteQueue, crc16X25, type DecodeError, type FrameScan } from '../common';
import { HDLC_FLAG, HDLC_MIN_LENGTH, hdlcLengthField, isHdlcFormatByte, parseHdlcFrame, type HdlcFrame } from './hdlc-frame';

export interface HdlcPushResult {
  /** Frames whose HCS and FCS checked, in stream order. */
  readonly frames: HdlcFrame[];
  /** Bytes dropped by this push (garbage between frames; flags are not counted). */
  readonly discarded: number;
  /** Candidate frames that had flags and length right but failed a check (mostly `bad-crc`). */
  readonly errors: DecodeError[];
}

export interface HdlcFramer {
  push(chunk: Uint8Array): HdlcPushResult;
  /** Bytes waiting for the rest of a frame. */
  readonly buffered: number;
}

/**
 * Looks at a queue whose first byte is a flag and decides whether a frame may start there. The
 * length field is trusted only when the byte it points at is the closing flag.
 */
export function scanHdlc(queue: ByteQueue): FrameScan {
  if (queue.length < 3) return { kind: 'need-more' };
  const f1 = queue.at(1);
  if (!isHdlcFormatByte(f1)) return { kind: 'skip' };
  const length = hdlcLengthField(f1, queue.at(2));
  if (length < HDLC_MIN_LENGTH) return { kind: 'skip' };
  const header = headerCheck(queue, length);
  if (header === 'wait') return { kind: 'need-more' };
  if (header === 'bad') return { kind: 'skip' };
  if (header === 'bad-hcs') {
    // A false start or a frame with a corrupted header. Report it (parse gives bad-crc) only when the
    // whole frame is already here and ends in a flag; never wait for it, so garbage cannot stall the stream.
    const whole = queue.length >= length + 2 && queue.at(length + 1) === HDLC_FLAG;
    return whole ? { kind: 'frame', size: length + 2 } : { kind: 'skip' };
  }
  if (queue.length < length + 2) return { kind: 'need-more' };
  if (queue.at(length + 1) !== HDLC_FLAG) return { kind: 'skip' };
  return { kind: 'frame', size: length + 2 };
}

/**
 * Checks the addresses and the HCS as soon as the header is in, so a false `7E Ax` does not stall
 * the stream until a whole (bogus) length of bytes has arrived.
 */
function headerCheck(queue: ByteQueue, length: number): 'ok' | 'bad' | 'bad-hcs' | 'wait' {
  let at = 3;
  for (let address = 0; address < 2; address++) {
    let size = 0;
    for (;;) {
      if (at >= queue.length) return 'wait';
      size++;
      if (queue.at(at++) & 1) break;
      if (size === 4) return 'bad';
    }
    if (size === 3) return 'bad';
  }
  const hcsAt = at + 1; // after the control byte
  if (hcsAt + 2 > length - 1) return 'ok'; // no information field: no HCS (the FCS decides)
  if (queue.length < hcsAt + 2) return 'wait';
  const hcs = queue.at(hcsAt) | (queue.at(hcsAt + 1) << 8);
  return crc16X25(queue.view(), 1, hcsAt) === hcs ? 'ok' : 'bad-hcs';
}

/**
 * Incremental HDLC framer: finds `7E`, reads the format field, waits for the whole frame, checks
 * the closing flag, HCS and FCS; on any failure it advances one byte and searches again. The
 * closing flag of a frame may be the opening flag of the next.
 */
export function createHdlcFramer(): HdlcFramer {
  const queue = new ByteQueue();
  return {
    get buffered() {
      return queue.length;
    },
    push(chunk) {
      queue.append(chunk);
      const frames: HdlcFrame[] = [];
      const errors: DecodeError[] = [];
      let discarded = 0;
      for (;;) {
        const flag = queue.indexOf(HDLC_FLAG);
        if (flag < 0) {
          discarded += queue.length;
          queue.consume(queue.length);
          break;
        }
        if (flag > 0) {
          discarded += queue.countExcept(flag, HDLC_FLAG);
          queue.consume(flag);
        }
        const scan = scanHdlc(queue);
        if (scan.kind === 'need-more') break;
        if (scan.kind === 'skip') {
          queue.consume(1); // a flag: not counted as garbage
          continue;
        }
        const parsed = parseHdlcFrame(queue.view(0, scan.size));
        if (parsed.ok) {
          frames.push(parsed.value);
          queue.consume(scan.size - 1); // keep the closing flag: it may open the next frame
        } else {
          errors.push(parsed.error);
          queue.consume(1);
        }
      }
      return { frames, discarded, errors };
    },
  };
}
