import type { ProtocolId } from '@smi/model';
import { detectProtocol } from './detect';
import { fail } from './common/errors';
import type { FrameEvent, StreamDecoder } from './common/stream';
import { createMbusDecoder } from './mbus';
import { createSmlDecoder, type SmlOptions } from './sml';
import type { DsmrOptions } from './dsmr';
import { createP1Decoder } from './encrypted-p1';
import { createD0Decoder } from './iec62056-21';
import { createDlmsDecoder, type DlmsProfile } from './dlms';
import { parseKey } from './crypto';

export type ProtocolChoice = ProtocolId | 'auto';

export interface DecoderOptions {
  /** Decryption key as hex text (any common spelling). */
  readonly key?: string | undefined;
  /** Authentication key as hex text. */
  readonly authKey?: string | undefined;
  /** DLMS meter profiles tried before the built-in ones (user profile files, a chosen built-in). */
  readonly profiles?: readonly DlmsProfile[] | undefined;
  /** SML settings: configured model, forced quirks, accepting files whose file CRC fails. */
  readonly sml?: SmlOptions | undefined;
  /** DSMR settings: CRC policy, maximum telegram length. */
  readonly dsmr?: DsmrOptions | undefined;
}

export type FactoryResult = { readonly ok: true; readonly value: StreamDecoder } | { readonly ok: false; readonly error: string };

type Factory = (options: DecoderOptions, hints: { readonly encrypted: boolean }) => FactoryResult;

/** Stream decoders by protocol id. A protocol missing here says so clearly instead of guessing. */
const FACTORIES: Partial<Record<ProtocolId, Factory>> = {
  mbus: () => ({ ok: true, value: createMbusDecoder() }),
  sml: (o) => ({ ok: true, value: createSmlDecoder(o.sml ?? {}) }),
  // Plain or encrypted P1 (Smarty / Austrian envelope): the stream decides, the key is checked against it.
  dsmr: (o) => {
    const keys = parseKeys(o);
    return keys.ok ? { ok: true, value: createP1Decoder({ ...keys.value, dsmr: o.dsmr }) } : keys;
  },
  'iec62056-21': () => ({ ok: true, value: createD0Decoder() }),
  dlms: (o) => {
    const keys = parseKeys(o);
    return keys.ok ? { ok: true, value: createDlmsDecoder(o.profiles ? { ...keys.value, profiles: o.profiles } : keys.value) } : keys;
  },
};

type Keys = { key?: Uint8Array; authKey?: Uint8Array };

/** Both keys as bytes; a malformed one is named (never echoed). */
function parseKeys(o: DecoderOptions): { readonly ok: true; readonly value: Keys } | { readonly ok: false; readonly error: string } {
  const value: Keys = {};
  for (const [name, text] of [
    ['key', o.key],
    ['authKey', o.authKey],
  ] as const) {
    if (text === undefined) continue;
    const parsed = parseKey(text);
    if (!parsed.ok) return { ok: false, error: `${name === 'key' ? '--key' : '--auth-key'}: ${parsed.error.message}` };
    value[name] = parsed.value;
  }
  return { ok: true, value };
}

export function supportedProtocols(): ProtocolId[] {
  return Object.keys(FACTORIES) as ProtocolId[];
}

function create(protocol: ProtocolId, options: DecoderOptions, encrypted: boolean): FactoryResult {
  const factory = FACTORIES[protocol];
  // A Modbus answer means nothing without its request (which registers, which order): no passive decoder.
  if (protocol === 'modbus')
    return {
      ok: false,
      error: "protocol 'modbus' is polled, not decoded from a byte stream: configure a meter with protocol: modbus and a modbus block (smi run)",
    };
  if (!factory) return { ok: false, error: `protocol '${protocol}' is not supported yet (supported: ${supportedProtocols().join(', ')})` };
  return factory(options, { encrypted });
}

/**
 * Buffers the start of a stream until `detectProtocol` recognises it, then hands everything to
 * the real decoder. Bytes that cannot be recognised within 16 KiB are reported and dropped.
 */
class AutoDecoder implements StreamDecoder {
  private inner: StreamDecoder | undefined;
  private pending: Uint8Array = new Uint8Array(0);
  private dropped = 0;

  constructor(private readonly options: DecoderOptions) {}

  get protocol(): ProtocolChoice {
    return this.inner?.protocol ?? 'auto';
  }

  get discardedBytes(): number {
    return this.dropped + (this.inner?.discardedBytes ?? 0);
  }

  push(chunk: Uint8Array): FrameEvent[] {
    if (this.inner) return this.inner.push(chunk);
    const joined = new Uint8Array(this.pending.length + chunk.length);
    joined.set(this.pending);
    joined.set(chunk, this.pending.length);
    return this.detect(joined, false);
  }

  flush(): FrameEvent[] {
    const events = !this.inner && this.pending.length > 0 ? this.detect(this.pending, true) : [];
    const inner: StreamDecoder | undefined = this.inner;
    return inner?.flush ? [...events, ...inner.flush()] : events;
  }

  private detect(joined: Uint8Array, final: boolean): FrameEvent[] {
    const d = detectProtocol(joined, final);
    if (d === 'need-more') {
      this.pending = joined;
      return [];
    }
    if (d === 'unknown') {
      this.dropped += joined.length;
      this.pending = new Uint8Array(0);
      return [fail('unsupported', 'auto', `could not recognise the protocol in ${joined.length} bytes`)];
    }
    const created = create(d.protocol, this.options, d.encrypted === true);
    if (!created.ok) {
      this.dropped += joined.length;
      this.pending = new Uint8Array(0);
      return [fail('unsupported', 'auto', `recognised ${d.protocol}${d.encrypted ? ' (encrypted)' : ''}, but ${created.error}`)];
    }
    this.inner = created.value;
    this.pending = new Uint8Array(0);
    return this.inner.push(joined);
  }
}

/** A stream decoder for a protocol, or for `auto` one that recognises the protocol itself. */
export function createDecoder(protocol: ProtocolChoice, options: DecoderOptions = {}): FactoryResult {
  if (protocol === 'auto') {
    const keys = parseKeys(options);
    return keys.ok ? { ok: true, value: new AutoDecoder(options) } : keys;
  }
  return create(protocol, options, false);
}
