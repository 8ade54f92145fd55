import type { MeterSnapshot } from '@smi/model';
import { crc16Kermit, fail, FramedDecoder, frameEvent, ok, sameBytes, type FrameEvent, type Result, type StreamDecoder } from '../common';
import { SmlFileFramer } from './framer';
import type { SmlEntrySink } from './list-entry';
import { parseSmlMessages, swap16 } from './messages';
import { BUILTIN_SML_PROFILES, mergeProfiles, resolveQuirks, type ResolvedQuirks, type SmlMeterProfile, type SmlQuirks } from './profiles';
import { describeServerId, type SmlServerIdInfo } from './server-id';
import { SmlReadingCache } from './reading-cache';
import { SmlSnapshotBuilder } from './snapshot';
import { unwrapSmlTransport } from './transport';
import type { SmlMessage } from './types';

export interface SmlOptions {
  /** Extra meter profiles, consulted before the built-ins; one with a built-in's id replaces it. */
  readonly profiles?: readonly SmlMeterProfile[];
  /** Use the built-in profiles (default true). */
  readonly builtinProfiles?: boolean;
  /** Quirks forced by configuration for the meter this decoder reads; they override any profile. */
  readonly quirks?: SmlQuirks;
  /** The meter's model as configured (SML does not send one): profile matching and `meter.model`. */
  readonly model?: string;
  /**
   * Decode a file whose file CRC fails (off by default): only when every message CRC holds, and
   * `ignoreMessageCrc` does not apply to such a file.
   */
  readonly acceptBadFileCrc?: boolean;
  /** Framer limit for `createSmlDecoder` (default 64 KiB). */
  readonly maxFileBytes?: number;
}

/**
 * One transport file, checked and parsed. Octet strings in the messages are views into the bytes
 * given to parseSmlFile (or into its unescaped copy): copy them before reusing that buffer.
 */
export interface SmlFile {
  readonly messages: readonly SmlMessage[];
  readonly padding: number;
  /** Whether the file CRC held (X.25, or the meter's alternative CRC). */
  readonly fileCrcOk: boolean;
  readonly serverId: SmlServerIdInfo | undefined;
  /** Quirks in force for this meter (profile + configuration). */
  readonly quirks: SmlQuirks;
  /** Id of the meter profile that matched. */
  readonly profileId: string | undefined;
  /** Model as configured, or as implied by the matched profile. */
  readonly model: string | undefined;
}

const NO_PROFILES: readonly SmlMeterProfile[] = [];
const DEFAULT_OPTIONS: SmlOptions = {};
const merged = new WeakMap<readonly SmlMeterProfile[], readonly SmlMeterProfile[]>();

function profilesFor(options: SmlOptions): readonly SmlMeterProfile[] {
  const builtins = options.builtinProfiles === false ? NO_PROFILES : BUILTIN_SML_PROFILES;
  const user = options.profiles;
  if (user === undefined || user.length === 0) return builtins;
  if (builtins === NO_PROFILES) return user;
  let m = merged.get(user);
  if (m === undefined) {
    m = mergeProfiles(user, builtins);
    merged.set(user, m);
  }
  return m;
}

function serverIdOf(messages: readonly SmlMessage[]): Uint8Array | undefined {
  for (const m of messages) {
    const b = m.body;
    switch (b.kind) {
      case 'get-list-response':
      case 'open-response':
      case 'get-profile-list-response':
      case 'get-profile-pack-response':
      case 'attention-response':
        if (b.serverId.length > 0) return b.serverId;
        break;
      case 'close-response':
      case 'other':
        break;
    }
  }
  return undefined;
}

const MAX_SERVER_IDS = 8;

/**
 * What one decoder remembers between files, owned by that decoder (nothing module-level): the
 * reading cache, described server ids (a stream almost always carries one meter, a bus a few;
 * compared by content, bounded) and the profile lookups per described server id.
 */
export class SmlDecodeState {
  readonly readings = new SmlReadingCache();
  /** Replaced by a copy when one is added: one id in an array grown by `push` would take 17 slots. */
  private serverIds: readonly { readonly bytes: Uint8Array; readonly info: SmlServerIdInfo }[] = [];
  private readonly quirkMemo = new WeakMap<SmlServerIdInfo, ResolvedQuirks>();
  private quirkOptions: SmlOptions | undefined;

  serverId(bytes: Uint8Array): SmlServerIdInfo {
    for (const e of this.serverIds) if (sameBytes(e.bytes, bytes)) return e.info;
    const info = Object.freeze(describeServerId(bytes));
    const kept = this.serverIds.length >= MAX_SERVER_IDS ? this.serverIds.slice(1) : this.serverIds;
    this.serverIds = kept.concat([{ bytes: bytes.slice(), info }]);
    return info;
  }

  quirks(profiles: readonly SmlMeterProfile[], sid: SmlServerIdInfo | undefined, options: SmlOptions): ResolvedQuirks {
    const memo = this.quirkOptions === options ? this.quirkMemo : undefined;
    const hit = sid === undefined ? undefined : memo?.get(sid);
    if (hit !== undefined) return hit;
    const result = resolveQuirks(
      profiles,
      {
        serverIdHex: sid?.hex ?? '',
        ...(sid?.manufacturerId !== undefined && { manufacturerId: sid.manufacturerId }),
        ...(sid?.serial !== undefined && { serial: sid.serial }),
        ...(options.model !== undefined && { model: options.model }),
      },
      options.quirks,
    );
    // Memoised for one options object (a decoder has one); other options are resolved afresh.
    if (sid !== undefined && (this.quirkOptions === undefined || this.quirkOptions === options)) {
      this.quirkOptions = options;
      this.quirkMemo.set(sid, result);
    }
    return result;
  }
}

function kermitMatches(sent: number, bytes: Uint8Array, start: number, end: number): boolean {
  const k = crc16Kermit(bytes, start, end);
  return sent === k || sent === swap16(k);
}

/**
 * Checks and parses one complete transport file (start sequence through CRC). The file CRC must
 * hold (`bad-crc` otherwise) unless `acceptBadFileCrc` is set, in which case every message CRC must
 * hold. Message CRCs are enforced unless the meter's quirks say `ignoreMessageCrc` (file CRC intact).
 */
export function parseSmlFile(input: Uint8Array, options: SmlOptions = DEFAULT_OPTIONS, state: SmlDecodeState = new SmlDecodeState()): Result<SmlFile> {
  return checkAndParse(input, options, undefined, state);
}

/** parseSmlFile, optionally handing GetList.Res entries to a sink instead of collecting them. */
function checkAndParse(input: Uint8Array, options: SmlOptions, sink: SmlEntrySink | undefined, state: SmlDecodeState): Result<SmlFile> {
  // A plain view (Node Buffers make every subarray a Buffer, which is slower); no copy. Tested by
  // constructor: cheaper than instanceof, which walks the prototype chain of every plain array.
  const frame = input.constructor === Uint8Array ? input : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const t = unwrapSmlTransport(frame);
  if (!t.ok) return t;
  const { payload, payloadOffset, padding } = t.value;
  const crcEnd = frame.length - 2;
  let fileCrcOk = t.value.crcOk;
  const forced = options.quirks?.alternativeCrc;
  if (!fileCrcOk && forced === 'kermit') fileCrcOk = kermitMatches(t.value.crc, frame, 0, crcEnd);
  const profiles = profilesFor(options);
  // A failed file CRC is final unless the opt-in or a meter profile could still accept the file.
  const mayRescue = options.acceptBadFileCrc === true || (forced !== 'none' && profiles.some((p) => p.quirks.alternativeCrc === 'kermit'));
  if (!fileCrcOk && !mayRescue) return fail('bad-crc', 'sml-file', 'file CRC mismatch', crcEnd);
  const parsed = parseSmlMessages(payload, payloadOffset, sink);
  if (!parsed.ok) return fileCrcOk ? parsed : fail('bad-crc', 'sml-file', `file CRC mismatch (payload unreadable: ${parsed.error.kind})`, crcEnd);
  const messages = parsed.value;
  const sidBytes = serverIdOf(messages);
  const serverId = sidBytes === undefined ? undefined : state.serverId(sidBytes);
  const { quirks, profile } = state.quirks(profiles, serverId, options);
  const kermit = quirks.alternativeCrc === 'kermit';
  if (!fileCrcOk && kermit) fileCrcOk = kermitMatches(t.value.crc, frame, 0, crcEnd);
  if (!fileCrcOk && options.acceptBadFileCrc !== true) return fail('bad-crc', 'sml-file', 'file CRC mismatch', crcEnd);
  const tolerateMessageCrc = fileCrcOk && quirks.ignoreMessageCrc === true;
  for (const m of messages) {
    if (m.crcOk || tolerateMessageCrc) continue;
    if (kermit && kermitMatches(m.crc, payload, m.offset, m.crcOffset)) continue;
    return fail('bad-crc', 'sml', fileCrcOk ? 'message CRC mismatch' : 'file CRC mismatch and message CRC mismatch', m.crcOffset + payloadOffset);
  }
  const model = options.model ?? profile?.model;
  return ok({ messages, padding, fileCrcOk, serverId, quirks, profileId: profile?.id, model });
}

/**
 * Decodes one complete SML transport file into a snapshot (`protocol: 'sml'`). Same checks and
 * result as `buildSmlSnapshot(parseSmlFile(frame).messages)`, but list entries go straight into
 * readings as they are read (no per-entry objects); the readings are dropped if a CRC check fails.
 * `state`: what a decoder keeps between files (a stream decoder passes its own; default: fresh).
 */
export function decodeSmlFile(frame: Uint8Array, options: SmlOptions = DEFAULT_OPTIONS, state: SmlDecodeState = new SmlDecodeState()): Result<MeterSnapshot> {
  const builder = new SmlSnapshotBuilder({}, state.readings);
  const profiles = profilesFor(options);
  const sink: SmlEntrySink = {
    list(serverId) {
      builder.setQuirks(state.quirks(profiles, serverId.length > 0 ? state.serverId(serverId) : undefined, options).quirks);
    },
    entry(e) {
      builder.entryView(e);
    },
    message(m) {
      const b = m.body;
      if ((b.kind === 'get-profile-list-response' || b.kind === 'get-profile-pack-response') && b.serverId.length > 0) {
        builder.setQuirks(state.quirks(profiles, state.serverId(b.serverId), options).quirks);
      }
      builder.message(m);
    },
  };
  const f = checkAndParse(frame, options, sink, state);
  if (!f.ok) return f;
  const { messages, serverId, model } = f.value;
  const ctx = serverId === undefined ? (model === undefined ? {} : { model }) : model === undefined ? { serverId } : { serverId, model };
  return ok(builder.finish(messages, ctx));
}

export interface SmlStreamDecoder extends StreamDecoder {
  /** End of stream: reports a file cut off by the end as `truncated`. */
  flush(): FrameEvent[];
  /** Bytes held back for an incomplete file. */
  readonly pendingBytes: number;
}

/** Incremental decoder for an SML byte stream (optical head, TCP, file replay). */
export function createSmlDecoder(options: SmlOptions = {}): SmlStreamDecoder {
  return new SmlDecoder(options);
}

class SmlDecoder extends FramedDecoder<Uint8Array> implements SmlStreamDecoder {
  readonly protocol = 'sml' as const;
  private readonly state = new SmlDecodeState();

  constructor(private readonly options: SmlOptions) {
    super(new SmlFileFramer(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }));
  }

  protected decodeFrame(file: Uint8Array, out: FrameEvent[]): void {
    out.push(frameEvent(decodeSmlFile(file, this.options, this.state), file));
  }
}
