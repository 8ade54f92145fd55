import { fail } from '../common/errors';
import type { FrameEvent, StreamDecoder } from '../common/stream';
import { createEncryptedP1Framer, unwrapEncryptedP1, type EnvelopeCheck, type P1EnvelopeFramer, type P1EnvelopePushResult } from './envelope';
import { createDsmrDecoder, type DsmrOptions, type DsmrStreamDecoder } from '../dsmr';

export interface P1StreamOptions {
  /** Decryption key (GUEK). With a key, plain telegrams are rejected (`not-encrypted`). */
  readonly key?: Uint8Array;
  /** AAD key; default: the fixed Smarty key (Austrian meters: the GAK from the grid operator). */
  readonly authKey?: Uint8Array;
  /** DSMR settings (CRC policy, maximum length) for the telegrams, plain or decrypted. */
  readonly dsmr?: DsmrOptions | undefined;
}

const LAYER = 'p1-envelope';
const GLO_CIPHERING = 0xdb;

type Mode = 'undecided' | 'plain' | 'encrypted';

/**
 * Failures that can mean "no envelope here" (a cut one whose declared length reaches into the next,
 * or `DB 08` inside other bytes): the search resumes inside the candidate. A missing key or a
 * replayed counter is about a real envelope: it is skipped whole.
 */
const RESCAN_AFTER: ReadonlySet<string> = new Set(['auth-failed', 'decrypt-failed', 'bad-format', 'truncated', 'bad-length', 'not-encrypted']);

/**
 * A DSMR P1 stream that may be encrypted (Luxembourg Smarty, Austrian P1: a general-glo-ciphering
 * envelope per telegram, §1.6). The first complete unit decides the mode for the rest of the
 * stream: an envelope (`DB 08 …`, found by the envelope framer) or a plain telegram that decodes.
 * Until then both paths see the bytes; plain framing errors are held back once a `DB` byte was
 * seen, since ciphertext is full of `/` and `!`. Once decided, the path not taken is dropped (a
 * plain meter keeps no envelope framer, an encrypted one no plain decoder).
 *
 * Key diagnostics as for DLMS: an envelope without a key is `missing-key`; a wrong key is
 * `auth-failed` (tag) or `decrypt-failed` (no tag, plaintext is no telegram); a plain telegram
 * while a key is configured is `not-encrypted`. The decrypted telegram's own CRC is checked by the
 * DSMR decoder.
 */
export function createP1Decoder(options: P1StreamOptions = {}): StreamDecoder & { readonly pendingBytes: number } {
  return new P1Decoder(options);
}

/** A class, not an object literal of closures: it wraps every DSMR meter's decoder (issue 12). */
class P1Decoder implements StreamDecoder {
  readonly protocol = 'dsmr' as const;
  private mode: Mode = 'undecided';
  /** Finds envelopes; undefined once the stream is plain. */
  private envelopes: P1EnvelopeFramer | undefined = createEncryptedP1Framer();
  /** Plain telegrams; undefined once the stream is encrypted. */
  private plain: DsmrStreamDecoder | undefined;
  /**
   * One envelope holds exactly one telegram: pushed and flushed, it reports it whole or why not.
   * One decoder for all envelopes keeps the per-meter caches warm; made at the first envelope
   * (a plain meter never needs it).
   */
  private inner: DsmrStreamDecoder | undefined;
  private sawGloTag = false;
  private envelopeDiscarded = 0;

  constructor(private readonly options: P1StreamOptions) {
    this.plain = createDsmrDecoder(options.dsmr);
  }

  get discardedBytes(): number {
    return this.mode === 'encrypted' ? this.envelopeDiscarded : (this.plain?.discardedBytes ?? 0);
  }

  get pendingBytes(): number {
    return this.mode === 'encrypted' ? (this.envelopes?.pendingBytes ?? 0) : (this.plain?.pendingBytes ?? 0);
  }

  push(chunk: Uint8Array): FrameEvent[] {
    const plain = this.plain;
    if (this.mode === 'encrypted') return this.runEnvelopes((check, framer) => framer.push(chunk, check)).events;
    if (this.mode === 'plain' && plain) return this.checkPlain(plain.push(chunk));
    if (chunk.includes(GLO_CIPHERING)) this.sawGloTag = true;
    const env = this.runEnvelopes((check, framer) => framer.push(chunk, check));
    const fromPlain = plain ? plain.push(chunk) : [];
    if (env.found) {
      this.decide('encrypted');
      return env.events;
    }
    if (fromPlain.some((e) => e.ok)) {
      this.decide('plain');
      return [...env.events, ...this.checkPlain(fromPlain)];
    }
    return this.sawGloTag ? env.events : [...env.events, ...fromPlain];
  }

  flush(): FrameEvent[] {
    if (this.mode === 'encrypted') return this.runEnvelopes((check, framer) => framer.flush(check)).events;
    const rest = this.plain?.flush() ?? [];
    if (this.mode === 'undecided' && this.sawGloTag) {
      // What looked like ciphertext is judged as envelopes: a cut one is reported, not dropped.
      const env = this.runEnvelopes((check, framer) => framer.flush(check));
      if (env.found) this.decide('encrypted');
      return env.events;
    }
    return this.checkPlain(rest);
  }

  /** The stream's mode, for good: the other path's framer and its buffers go. */
  private decide(mode: 'plain' | 'encrypted'): void {
    this.mode = mode;
    if (mode === 'plain') this.envelopes = undefined;
    else this.plain = undefined;
  }

  private unwrap(envelope: Uint8Array): FrameEvent[] {
    const key = this.options.key;
    if (!key) return [{ ok: false, error: fail('missing-key', LAYER, 'the meter sends encrypted telegrams and no key is configured').error, frame: envelope }];
    const authKey = this.options.authKey;
    const opened = unwrapEncryptedP1(envelope, authKey ? { key, authKey } : { key });
    if (!opened.ok) return [{ ok: false, error: opened.error, frame: envelope }];
    const inner = (this.inner ??= createDsmrDecoder(this.options.dsmr));
    const events = [...inner.push(opened.value), ...inner.flush()];
    return events.length > 0 ? events : [{ ok: false, error: fail('decrypt-failed', LAYER, 'decrypted content holds no P1 telegram').error, frame: envelope }];
  }

  /** With a key configured, a plain telegram is refused (as a DLMS decoder refuses plain pushes). */
  private checkPlain(events: FrameEvent[]): FrameEvent[] {
    if (!this.options.key) return events;
    return events.map((e) =>
      e.ok ? { ok: false, error: fail('not-encrypted', LAYER, 'a key is configured but the telegram is not encrypted').error, frame: e.frame } : e,
    );
  }

  /**
   * Runs the envelope framer (push, or flush at the end of input). Each candidate is opened while
   * the framer still holds the bytes after it: one that fails its tag (a cut envelope whose length
   * runs into the next) is reported, and the framer searches again from its second byte instead
   * of skipping its whole declared length.
   */
  private runEnvelopes(step: (check: EnvelopeCheck, framer: P1EnvelopeFramer) => P1EnvelopePushResult): { events: FrameEvent[]; found: boolean } {
    const events: FrameEvent[] = [];
    const framer = this.envelopes;
    if (!framer) return { events, found: false };
    let found = false;
    const r = step((envelope) => {
      const opened = this.unwrap(envelope);
      events.push(...opened);
      found = true; // an envelope-shaped candidate decides the stream's mode, good or not
      const first = opened[0];
      return first === undefined || first.ok || !RESCAN_AFTER.has(first.error.kind);
    }, framer);
    this.envelopeDiscarded += r.discarded;
    events.push(...r.errors.map((error): FrameEvent => ({ ok: false, error })));
    return { events, found };
  }
}
