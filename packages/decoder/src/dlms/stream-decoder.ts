import type { MeterInfo, MeterSnapshot } from '@smi/model';
import { ByteQueue, errorEvent, fail, ok, type DecodeError, type FrameEvent, type Result, type StreamDecoder } from '../common';
import { createFrameCounterTracker, type FrameCounterTracker } from '../crypto';
import { createHdlcFramer, createHdlcReassembler, HDLC_FLAG, readHdlcFrame, scanHdlc, stripLlc, type HdlcFrame, type HdlcScan } from '../hdlc';
import type { FramerEvent } from '../common/framer';
import { MBUS_LONG_START, parseMbusFrameView } from '../mbus';
import { decodeDlmsApdu, type DlmsApduOptions } from './apdu';
import { createGbtAssembler, GENERAL_BLOCK_TRANSFER, parseGbtBlock } from './gbt';
import { createMbusSegmentAssembler, dlmsSegmentOf, scanDlmsMbus } from './mbus-carrier';
import type { DlmsProfile } from './profile';
import { createReadingCache, mapDlmsPush, type DlmsMapOptions, type ReadingCache } from './snapshot';

export type DlmsCarrier = 'hdlc' | 'mbus';

export interface DlmsDecoderOptions {
  /** Encryption key (GUEK / dedicated key); with a key, plain pushes are rejected (`not-encrypted`). */
  readonly key?: Uint8Array;
  /** Authentication key (GAK): checks the GCM tag of authenticated pushes. */
  readonly authKey?: Uint8Array;
  /** Meter profiles tried before the built-in ones. */
  readonly profiles?: readonly DlmsProfile[];
  /** Fix the carrier; by default the first valid frame (HDLC `7E` or M-Bus `68`) decides. */
  readonly carrier?: DlmsCarrier;
  /** Replay tracker to share between decoders; each decoder has its own by default. */
  readonly counters?: FrameCounterTracker;
}

/** Decodes one complete APDU (LLC optional) to a snapshot: unwrap, decrypt, map with profiles. */
export function decodeDlmsPush(
  apdu: Uint8Array,
  options: DlmsApduOptions & { readonly profiles?: readonly DlmsProfile[]; readonly previousMeter?: MeterInfo; readonly cache?: ReadingCache } = {},
): Result<MeterSnapshot> {
  const decoded = decodeDlmsApdu(apdu, options);
  if (!decoded.ok) return decoded;
  return ok(mapDlmsPush(decoded.value, options).snapshot);
}

/**
 * Stream decoder for DLMS/COSEM pushes over HDLC (segmented frames, LLC, general-block-transfer)
 * or over wired M-Bus long frames (Austrian segments), with optional AES-128-GCM.
 */
export function createDlmsDecoder(options: DlmsDecoderOptions = {}): StreamDecoder & { readonly pendingBytes: number; flush(): FrameEvent[] } {
  const queue = new ByteQueue();
  /**
   * Once the carrier is HDLC, the HDLC framer (framer contract) finds the frames. Its frames'
   * information fields are views of its buffer: the reassembler and the GBT assembler copy them
   * into the APDU, and an APDU that is one frame's information is copied once (`apduIn`).
   */
  const framer = createHdlcFramer(true);
  const hdlc = createHdlcReassembler();
  const gbt = createGbtAssembler();
  const mbus = createMbusSegmentAssembler();
  const counters = options.counters ?? createFrameCounterTracker();
  const cache = createReadingCache();
  const apduOptions: DlmsApduOptions = {
    counters,
    cache,
    ...(options.key ? { key: options.key } : {}),
    ...(options.authKey ? { authKey: options.authKey } : {}),
  };
  let carrier = options.carrier;
  let discarded = 0;
  /** Mapping options; `previousMeter` is the identity from the last push that carried one. */
  const mapOptions: { -readonly [K in keyof DlmsMapOptions]: DlmsMapOptions[K] } = { cache, ...(options.profiles ? { profiles: options.profiles } : {}) };

  function complete(apdu: Uint8Array, events: FrameEvent[]): void {
    const decoded = decodeDlmsApdu(apdu, apduOptions);
    if (!decoded.ok) {
      events.push({ ok: false, error: decoded.error, frame: apdu });
      return;
    }
    const mapped = mapDlmsPush(decoded.value, mapOptions);
    if (mapped.idFromFrame) mapOptions.previousMeter = mapped.snapshot.meter;
    events.push({ ok: true, snapshot: mapped.snapshot, frame: apdu });
  }

  /**
   * An APDU from either carrier: joins GBT blocks first when the APDU is one. `borrowed`: the bytes
   * are a view of a framer's buffer, copied here when an event keeps them (GBT copies its blocks).
   */
  function apduIn(bytes: Uint8Array, borrowed: boolean, events: FrameEvent[]): void {
    const apdu = stripLlc(bytes);
    if (apdu[0] !== GENERAL_BLOCK_TRANSFER) return complete(borrowed ? apdu.slice() : apdu, events);
    const block = parseGbtBlock(apdu);
    const joined = block.ok ? gbt.push(block.value) : block;
    if (!joined.ok) events.push({ ok: false, error: joined.error, frame: borrowed ? apdu.slice() : apdu });
    else if (joined.value) complete(joined.value, events);
  }

  /** A reassembler's answer to `frame`; its APDU is borrowed when it is the frame's own information. */
  function onResult(r: Result<Uint8Array | undefined>, frame: Uint8Array, information: Uint8Array | undefined, events: FrameEvent[]): void {
    if (!r.ok) events.push({ ok: false, error: r.error, frame: frame.slice() });
    else if (r.value) apduIn(r.value, r.value === information, events);
  }

  function onHdlc(e: FramerEvent<HdlcFrame>, events: FrameEvent[]): void {
    if (!e.ok) {
      events.push(errorEvent(e.error, e.bytes));
      return;
    }
    const r = hdlc.push(e.frame);
    if (!r.ok) events.push({ ok: false, error: r.error });
    else if (r.value) apduIn(r.value, r.value === e.frame.information, events);
  }

  function handleFrame(kind: DlmsCarrier, bytes: Uint8Array, events: FrameEvent[]): DecodeError | undefined {
    if (kind === 'hdlc') {
      const f = readHdlcFrame(bytes, 0, bytes.length, false); // the information is copied when kept
      if (!f.ok) return f.error;
      carrier ??= 'hdlc';
      onResult(hdlc.push(f.value), bytes, f.value.information, events);
      return undefined;
    }
    const f = parseMbusFrameView(bytes); // the segment is copied by the assembler
    if (!f.ok) return f.error;
    const seg = dlmsSegmentOf(f.value);
    if (!seg.ok) {
      events.push({ ok: false, error: seg.error, frame: bytes.slice() }); // a valid M-Bus frame, but no DLMS segment
      return undefined;
    }
    carrier ??= 'mbus';
    onResult(mbus.push(seg.value), bytes, undefined, events);
    return undefined;
  }

  function scanAt(): { kind: DlmsCarrier; scan: HdlcScan } | undefined {
    const b = queue.at(0);
    if (b === HDLC_FLAG && carrier !== 'mbus') return { kind: 'hdlc', scan: scanHdlc(queue) };
    if (b === MBUS_LONG_START && carrier !== 'hdlc') return { kind: 'mbus', scan: scanDlmsMbus(queue) };
    return undefined;
  }

  /** Bytes before the next byte after the front one where a frame of a possible carrier may start. */
  function nextStart(): number {
    const hdlcAt = carrier === 'mbus' ? -1 : queue.indexOf(HDLC_FLAG, 1);
    const mbusAt = carrier === 'hdlc' ? -1 : queue.indexOf(MBUS_LONG_START, 1);
    if (hdlcAt < 0) return mbusAt < 0 ? queue.length : mbusAt;
    return mbusAt < 0 ? hdlcAt : Math.min(hdlcAt, mbusAt);
  }

  function toFramer(chunk: Uint8Array, events: FrameEvent[]): void {
    for (const e of framer.push(chunk)) onHdlc(e, events);
  }

  return {
    protocol: 'dlms',
    get discardedBytes() {
      return discarded + framer.discardedBytes;
    },
    get pendingBytes() {
      return queue.length + framer.pendingBytes;
    },
    push(chunk) {
      const events: FrameEvent[] = [];
      if (carrier === 'hdlc') {
        toFramer(chunk, events);
        return events;
      }
      queue.append(chunk);
      drain(events);
      return events;
    },
    flush() {
      const events: FrameEvent[] = [];
      // Bytes still waiting before the carrier is known: a cut frame or a false start; resync one byte on.
      while (queue.length > 0 && carrier !== 'hdlc') {
        if (queue.at(0) !== HDLC_FLAG) discarded++;
        queue.consume(1);
        drain(events);
      }
      if (queue.length > 0)
        events.push({ ok: false, error: fail('truncated', 'dlms', `stream ended inside a frame (${queue.length} bytes)`).error, frame: queue.take() });
      for (const e of framer.flush()) onHdlc(e, events);
      hdlc.reset();
      return events;
    },
  };

  /** Finds frames in the queue while the carrier is not yet known (HDLC or M-Bus). */
  function drain(events: FrameEvent[]): void {
    while (queue.length > 0) {
      const at = scanAt();
      if (at === undefined) {
        // No frame can start here: skip to the next possible start at once (what byte-by-byte
        // skipping would do); flags are not counted as garbage.
        const skip = nextStart();
        discarded += queue.countExcept(skip, HDLC_FLAG);
        queue.consume(skip);
        continue;
      }
      if (at.scan.kind === 'skip' || at.scan.kind === 'cut') {
        if (queue.at(0) !== HDLC_FLAG) discarded++;
        queue.consume(1);
        continue;
      }
      if (at.scan.kind === 'need-more') break;
      const size = at.scan.size;
      const error = handleFrame(at.kind, queue.view(0, size), events);
      if (error) {
        // A candidate with flags/length right that failed a check: report, then resync one byte on.
        if (error.kind === 'bad-crc') events.push({ ok: false, error, frame: queue.copy(0, size) });
        discarded++;
        queue.consume(1);
        continue;
      }
      queue.consume(at.kind === 'hdlc' ? size - 1 : size); // an HDLC closing flag may open the next frame
      if ((carrier as DlmsCarrier | undefined) === 'hdlc') {
        // The carrier is known: the rest of the stream goes through the HDLC framer.
        if (queue.length > 0) toFramer(queue.take(), events);
        return;
      }
    }
  }
}
