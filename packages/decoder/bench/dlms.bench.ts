/**
 * DLMS/COSEM throughput on the encrypted fixture pushes, with their published keys: the L+G E570
 * push (5 HDLC frames, general-block-transfer, general-glo-ciphering, AES-128-GCM) and the Netz NÖ
 * / EVN Kaifa MA309 sample (2 wired M-Bus long frames, glo-ciphering without tag). Each call
 * decodes one push in full: frames checked and joined, decrypted, A-XDR decoded, mapped to a typed
 * MeterSnapshot. Target: ≥ 50,000 encrypted pushes/s on one core.
 *
 * The same push is fed again and again, so the replay check is given a tracker that accepts every
 * counter (a real stream would carry a rising invocation counter); everything else is as in use.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '../src/common';
import type { FrameCounterTracker } from '../src/crypto';
import { createDlmsDecoder, createReadingCache, decodeDlmsPush, type DlmsDecoderOptions } from '../src/dlms';
import { compare } from './harness';

const FIXTURES = join(__dirname, '../fixtures');

function load(path: string): Uint8Array {
  const bytes = hexToBytes(readFileSync(join(FIXTURES, path), 'utf8'));
  if (bytes === undefined) throw new Error(`${path}: bad hex`);
  return bytes;
}

function keyOf(jsonPath: string): Uint8Array {
  const json = JSON.parse(readFileSync(join(FIXTURES, jsonPath), 'utf8')) as { key: { encryption_key: string } };
  const key = hexToBytes(json.key.encryption_key);
  if (key === undefined) throw new Error(`${jsonPath}: bad key`);
  return key;
}

/** Accepts every invocation counter: the bench repeats one push. */
const acceptAll: FrameCounterTracker = { isFresh: () => true, accept: () => undefined, last: () => undefined, reset: () => undefined };

interface Push {
  readonly title: string;
  /** The carrier frames as they come from the line. */
  readonly stream: Uint8Array;
  /** The joined APDU (what the frames carry). */
  readonly apdu: Uint8Array;
  readonly options: DlmsDecoderOptions;
}

function push(title: string, name: string, dir: string): Push {
  const stream = load(`${dir}/${name}.hex`);
  const options: DlmsDecoderOptions = { key: keyOf(`${dir}/${name}.json`), counters: acceptAll };
  const events = createDlmsDecoder(options).push(stream);
  const [e] = events;
  if (events.length !== 1 || !e?.ok || e.snapshot.readings.length === 0) throw new Error(`${name}: not decoded`);
  return { title, stream, apdu: e.frame.slice(), options };
}

export function run(): void {
  const pushes = [
    push('L+G E570, HDLC, 5 frames, GBT, GCM', 'scs-lg_e570-encrypted-valid-data', 'dlms-hdlc-cii'),
    push('Kaifa MA309 (EVN), M-Bus, 2 frames, GCM', 'netznoe-evn-kaifa-ma309-doc-sample', 'dlms-mbus-gcm'),
  ];
  for (const p of pushes) {
    const decoder = createDlmsDecoder(p.options);
    compare(`DLMS encrypted push, stream decoder: ${p.title} (${p.stream.length} bytes)`, {
      name: 'createDlmsDecoder({ key }).push(frames)',
      unit: 'pushes',
      run: () => {
        const events = decoder.push(p.stream);
        if (events.length !== 1 || events[0]?.ok !== true) throw new Error('push not decoded');
      },
    });
    // A caller decoding APDUs one by one keeps a reading cache, as the stream decoder does.
    const apduOptions = { key: p.options.key as Uint8Array, counters: acceptAll, cache: createReadingCache() };
    compare(`DLMS encrypted push, one APDU: ${p.title} (${p.apdu.length} bytes)`, {
      name: 'decodeDlmsPush(apdu, { key, cache })',
      unit: 'pushes',
      run: () => {
        if (!decodeDlmsPush(p.apdu, apduOptions).ok) throw new Error('push not decoded');
      },
    });
  }
}
