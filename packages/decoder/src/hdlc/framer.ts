import { ByteQueue, crc16X25, fail, type FrameScan } from '../common';
import type { Framer, FramerEvent } from '../common/framer';
import { HDLC_FLAG, HDLC_MIN_LENGTH, hdlcLengthField, isHdlcFormatByte, readHdlcFrame, type HdlcFrame } from './frame';

/** Largest HDLC frame on the wire: an 11-bit length field plus the two flags. */
export const HDLC_MAX_FRAME = 0x7ff + 2;

/** A scan result; `cut`: a header with a valid HCS whose closing flag is missing (the frame was cut off). */
export type HdlcScan = FrameScan | { readonly kind: 'cut'; readonly size: number };

/**
 * Looks at a queue whose first byte is a flag and decides whether a frame may start there. The
 * length field is trusted only when the byte it points at is the closing flag.
 */
export function scanHdlc(queue: ByteQueue): HdlcScan {
  if (queue.length < 3) return { kind: 'need-more' };
  const f1 = queue.at(1);
  if (!isHdlcFormatByte(f1)) return { kind: 'skip' };
  const length = hdlcLengthField(f1, queue.at(2));
  if (length < HDLC_MIN_LENGTH) return { kind: 'skip' };
  const header = headerCheck(queue, length);
  if (header === 'wait') return { kind: 'need-more' };
  if (header === 'bad') return { kind: 'skip' };
  if (header === 'hcs-ok' && queue.length >= length + 2 && queue.at(length + 1) !== HDLC_FLAG) return { kind: 'cut', size: length + 2 };
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
function headerCheck(queue: ByteQueue, length: number): 'ok' | 'hcs-ok' | 'bad' | 'bad-hcs' | 'wait' {
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
  const o = queue.offset;
  return crc16X25(queue.bytes, o + 1, o + hcsAt) === hcs ? 'hcs-ok' : 'bad-hcs';
}

/** Whether the queue starts with a header whose HCS checks (a real frame that may have been cut). */
function startsWithCheckedHeader(queue: ByteQueue): boolean {
  if (queue.length < 3 || queue.at(0) !== HDLC_FLAG || !isHdlcFormatByte(queue.at(1))) return false;
  const length = hdlcLengthField(queue.at(1), queue.at(2));
  return length >= HDLC_MIN_LENGTH && headerCheck(queue, length) === 'hcs-ok';
}

/**
 * Incremental HDLC framer (IEC 62056-46) following the framer contract (`common/framer.ts`): a frame
 * starts at a flag `7E` followed by a type-3 format field; its addresses and HCS are checked as soon
 * as the header is in, then the whole length is awaited and the closing flag, HCS and FCS checked.
 * A frame whose header checks but whose closing flag is missing is reported `truncated`; one whose
 * HCS/FCS fails `bad-crc`. After any rejection the search resumes one byte after the rejected flag,
 * so a good frame that starts inside a cut or corrupted one is still found. The closing flag of a
 * frame may be the opening flag of the next. At most `HDLC_MAX_FRAME` bytes are held back.
 */
export class HdlcFramer implements Framer<HdlcFrame> {
  private readonly queue = new ByteQueue();
  private discarded = 0;

  /**
   * @param views With true, the `information` of a frame event is a view of the framer's buffer,
   *   valid only until the next `push` or `flush` (for a caller that copies it at once, as the DLMS
   *   stream decoder joining segments and blocks does); by default it is a copy the caller may keep.
   */
  constructor(private readonly views = false) {}

  get pendingBytes(): number {
    return this.queue.length;
  }

  get discardedBytes(): number {
    return this.discarded;
  }

  push(chunk: Uint8Array): FramerEvent<HdlcFrame>[] {
    this.queue.append(chunk);
    const events: FramerEvent<HdlcFrame>[] = [];
    this.scan(events);
    return events;
  }

  flush(): FramerEvent<HdlcFrame>[] {
    const events: FramerEvent<HdlcFrame>[] = [];
    const q = this.queue;
    this.scan(events);
    // What is left waits for more bytes: a cut frame (report it) or a false start; either way the
    // search goes on one byte later, so a good frame inside the rest is still found.
    while (q.length > 0) {
      if (startsWithCheckedHeader(q)) {
        const end = q.indexOf(HDLC_FLAG, 1);
        events.push({ ok: false, error: fail('truncated', 'hdlc', 'stream ended inside an HDLC frame', 0).error, bytes: q.copy(0, end < 0 ? q.length : end) });
      } else if (q.at(0) !== HDLC_FLAG) this.discarded++;
      q.consume(1);
      this.scan(events);
    }
    return events;
  }

  private scan(events: FramerEvent<HdlcFrame>[]): void {
    const q = this.queue;
    for (;;) {
      const flag = q.indexOf(HDLC_FLAG);
      if (flag < 0) {
        this.discarded += q.length;
        q.clear();
        return;
      }
      if (flag > 0) {
        this.discarded += q.countExcept(flag, HDLC_FLAG);
        q.consume(flag);
      }
      const scan = scanHdlc(q);
      if (scan.kind === 'need-more') return;
      if (scan.kind === 'skip') {
        q.consume(1); // a flag: not counted as garbage
        continue;
      }
      if (scan.kind === 'cut') {
        // The header checked, the closing flag is not where the length says: a cut frame.
        const end = q.indexOf(HDLC_FLAG, 1);
        const bytes = q.copy(0, end < 0 ? scan.size : end);
        events.push({ ok: false, error: fail('truncated', 'hdlc', 'HDLC frame cut off: no closing flag at its length', 0).error, bytes });
        q.consume(1);
        continue;
      }
      const parsed = readHdlcFrame(q.bytes, q.offset, q.offset + scan.size, !this.views);
      if (parsed.ok) {
        events.push({ ok: true, frame: parsed.value });
        q.consume(scan.size - 1); // keep the closing flag: it may open the next frame
      } else {
        events.push({ ok: false, error: parsed.error, bytes: q.copy(0, scan.size) });
        q.consume(1);
      }
    }
  }
}

/** A new HDLC framer (`views`: see the `HdlcFramer` constructor). */
export function createHdlcFramer(views = false): HdlcFramer {
  return new HdlcFramer(views);
}
