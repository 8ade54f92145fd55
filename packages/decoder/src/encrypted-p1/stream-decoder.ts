import { fail } from '../common/errors';
import type { FrameEvent, StreamDecoder } from '../common/stream';
import { createEncryptedP1Framer, unwrapEncryptedP1, type EnvelopeCheck, type P1EnvelopePushResult } from './envelope';
import { createDsmrDecoder, type DsmrOptions } from '../dsmr';

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
 * seen, since ciphertext is full of `/` and `!`.
 *
 * Key diagnostics as for DLMS: an envelope without a key is `missing-key`; a wrong key is
 * `auth-failed` (tag) or `decrypt-failed` (no tag, plaintext is no telegram); a plain telegram
 * while a key is configured is `not-encrypted`. The decrypted telegram's own CRC is checked by the
 * DSMR decoder.
 */
export function createP1Decoder(options: P1StreamOptions = {}): StreamDecoder & { readonly pendingBytes: number } {
  const envelopes = createEncryptedP1Framer();
  const plain = createDsmrDecoder(options.dsmr);
  // One envelope holds exactly one telegram: pushed and flushed, it reports it whole or why not.
  // One decoder for all envelopes keeps the per-meter caches warm; made at the first envelope
  // (a plain meter never needs it).
  let inner: ReturnType<typeof createDsmrDecoder> | undefined;
  let mode: Mode = 'undecided';
  let sawGloTag = false;
  let envelopeDiscarded = 0;

  function unwrap(envelope: Uint8Array): FrameEvent[] {
    if (!options.key)
      return [{ ok: false, error: fail('missing-key', LAYER, 'the meter sends encrypted telegrams and no key is configured').error, frame: envelope }];
    const opened = unwrapEncryptedP1(envelope, options.authKey ? { key: options.key, authKey: options.authKey } : { key: options.key });
    if (!opened.ok) return [{ ok: false, error: opened.error, frame: envelope }];
    inner ??= createDsmrDecoder(options.dsmr);
    const events = [...inner.push(opened.value), ...inner.flush()];
    return events.length > 0 ? events : [{ ok: false, error: fail('decrypt-failed', LAYER, 'decrypted content holds no P1 telegram').error, frame: envelope }];
  }

  /** With a key configured, a plain telegram is refused (as a DLMS decoder refuses plain pushes). */
  function checkPlain(events: FrameEvent[]): FrameEvent[] {
    if (!options.key) return events;
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
  function runEnvelopes(step: (check: EnvelopeCheck) => P1EnvelopePushResult): { events: FrameEvent[]; found: boolean } {
    const events: FrameEvent[] = [];
    let found = false;
    const r = step((envelope) => {
      const opened = unwrap(envelope);
      events.push(...opened);
      found = true; // an envelope-shaped candidate decides the stream's mode, good or not
      const first = opened[0];
      return first === undefined || first.ok || !RESCAN_AFTER.has(first.error.kind);
    });
    envelopeDiscarded += r.discarded;
    events.push(...r.errors.map((error): FrameEvent => ({ ok: false, error })));
    return { events, found };
  }
  const pushEnvelopes = (chunk: Uint8Array): { events: FrameEvent[]; found: boolean } => runEnvelopes((check) => envelopes.push(chunk, check));

  return {
    protocol: 'dsmr',
    get discardedBytes() {
      return mode === 'encrypted' ? envelopeDiscarded : plain.discardedBytes;
    },
    get pendingBytes() {
      return mode === 'encrypted' ? envelopes.pendingBytes : plain.pendingBytes;
    },
    push(chunk) {
      if (mode === 'encrypted') return pushEnvelopes(chunk).events;
      if (mode === 'plain') return checkPlain(plain.push(chunk));
      if (chunk.includes(GLO_CIPHERING)) sawGloTag = true;
      const env = pushEnvelopes(chunk);
      const fromPlain = plain.push(chunk);
      if (env.found) {
        mode = 'encrypted';
        return env.events;
      }
      if (fromPlain.some((e) => e.ok)) {
        mode = 'plain';
        return [...env.events, ...checkPlain(fromPlain)];
      }
      return sawGloTag ? env.events : [...env.events, ...fromPlain];
    },
    flush() {
      if (mode === 'encrypted') return runEnvelopes((check) => envelopes.flush(check)).events;
      const rest = plain.flush();
      if (mode === 'undecided' && sawGloTag) {
        // What looked like ciphertext is judged as envelopes: a cut one is reported, not dropped.
        const env = runEnvelopes((check) => envelopes.flush(check));
        if (env.found) mode = 'encrypted';
        return env.events;
      }
      return checkPlain(rest);
    },
  };
}
