import { join } from 'node:path';
import {
  buildCipheredApdu,
  crc16X25,
  decipherApdu,
  GENERAL_BLOCK_TRANSFER,
  hasLlc,
  HDLC_FLAG,
  MBUS_LONG_START,
  mbusFrameChecksum,
  parseCipheredApdu,
  parseGbtBlock,
  parseHdlcFrame,
  parseKey,
  parseMbusFrame,
} from '@smi/decoder';
import { assetsDir } from '../assets';
import { readRecording } from '../transports/replay';
import type { MeterSimulator, SimulatorFactory } from './simulator';

type Line = MeterSimulator['line'];

/** Built-in DLMS push recordings with the key their source published. */
export const DLMS_RECORDINGS: Readonly<Record<string, { readonly file: string; readonly key: string; readonly line: Line; readonly meter: string }>> = {
  'lg-e570': {
    file: 'dlms-lg-e570-encrypted.hex',
    key: '101112131415161718191A1B1C1D1E1F',
    line: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 },
    meter: 'Landis+Gyr E570 (CII, HDLC + general-block-transfer, AES-GCM without tag)',
  },
  'evn-kaifa-ma309': {
    file: 'dlms-evn-kaifa-ma309.hex',
    key: '36C66639E48A8CA4D6BC8B282A793BBB',
    line: { baudRate: 2400, dataBits: 8, parity: 'even', stopBits: 1 },
    meter: 'Kaifa MA309 for Netz NÖ/EVN (wired M-Bus carrier, AES-GCM without tag)',
  },
};

/** Where each byte of the carried APDU sits in the frames, so a new APDU of the same size can be put in. */
interface CarriedApdu {
  readonly frames: readonly Uint8Array[];
  readonly places: readonly { readonly frame: number; readonly at: number }[];
  readonly carrier: 'hdlc' | 'mbus';
}

/** Cuts a capture into HDLC (`7E A…`) and M-Bus long (`68 L L 68`) frames. */
function splitFrames(bytes: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const n = bytes[i + 1] ?? 0;
    let size = 0;
    if (b === HDLC_FLAG && (n & 0xf0) === 0xa0) size = (((n & 0x07) << 8) | (bytes[i + 2] ?? 0)) + 2;
    else if (b === MBUS_LONG_START && bytes[i + 3] === MBUS_LONG_START) size = n + 6;
    if (size === 0 || i + size > bytes.length) {
      i++;
      continue;
    }
    frames.push(bytes.slice(i, i + size));
    i += size;
  }
  return frames;
}

/** Maps the APDU carried by HDLC frames (LLC, optional general-block-transfer) or Austrian M-Bus segments. */
function locateApdu(frames: readonly Uint8Array[]): CarriedApdu {
  const places: { frame: number; at: number }[] = [];
  let carrier: CarriedApdu['carrier'] = 'hdlc';
  frames.forEach((frame, index) => {
    const add = (from: number, to: number): void => {
      for (let at = from; at < to; at++) places.push({ frame: index, at });
    };
    if (frame[0] === MBUS_LONG_START) {
      const f = parseMbusFrame(frame);
      if (!f.ok) throw new Error(`frame ${index + 1}: ${f.error.message}`);
      carrier = 'mbus';
      add(9, frame.length - 2); // after 68 L L 68 C A CI STSAP DTSAP, before CS 16
      return;
    }
    const f = parseHdlcFrame(frame);
    if (!f.ok) throw new Error(`frame ${index + 1}: ${f.error.message}`);
    const end = frame.length - 3; // FCS (2) and the closing flag
    let start = end - f.value.information.length;
    if (hasLlc(f.value.information)) start += 3;
    if (frame[start] === GENERAL_BLOCK_TRANSFER) {
      const block = parseGbtBlock(frame.subarray(start, end));
      if (!block.ok) throw new Error(`frame ${index + 1}: ${block.error.message}`);
      start = end - block.value.data.length;
    }
    add(start, end);
  });
  return { frames, places, carrier };
}

/** The frames with a new APDU of the same size in place and their checksums (HDLC FCS, M-Bus CS) redone. */
function replaceApdu(c: CarriedApdu, apdu: Uint8Array): Uint8Array[] {
  if (apdu.length !== c.places.length) throw new Error('the new APDU does not fit the recorded frames');
  const frames = c.frames.map((f) => f.slice());
  c.places.forEach((p, i) => {
    (frames[p.frame] as Uint8Array)[p.at] = apdu[i] as number;
  });
  for (const f of frames) {
    if (c.carrier === 'mbus') f[f.length - 2] = mbusFrameChecksum(f, 4, f.length - 2);
    else {
      const fcsAt = f.length - 3;
      const fcs = crc16X25(f, 1, fcsAt);
      f[fcsAt] = fcs & 0xff;
      f[fcsAt + 1] = fcs >>> 8;
    }
  }
  return frames;
}

/**
 * A DLMS/COSEM push meter sending real recorded frames: `frame=lg-e570` (default; L+G E570 CII
 * push over HDLC, 5 frames of general-block-transfer) or `frame=evn-kaifa-ma309` (Netz NÖ
 * Kaifa MA309 over wired M-Bus). The first push is the recording byte for byte; later pushes
 * carry the same plaintext encrypted again with the next invocation counter, as a meter does (the
 * gateway refuses repeated counters as `replayed`). `key=HEX` encrypts with another key from the
 * first push on (to try the gateway with your own key). `replay=true` sends the recording unchanged
 * every time.
 */
export const dlmsSimulator: SimulatorFactory = ({ settings }) => {
  const name = settings['frame'] ?? 'lg-e570';
  const rec = DLMS_RECORDINGS[name];
  if (!rec) throw new Error(`unknown frame '${name}' (available: ${Object.keys(DLMS_RECORDINGS).join(', ')})`);
  const frames = splitFrames(Uint8Array.from(readRecording(join(assetsDir(), 'simulator', rec.file), true)));
  const carried = locateApdu(frames);
  const apdu = Uint8Array.from(carried.places.map((p) => (frames[p.frame] as Uint8Array)[p.at] as number));
  const ciphered = parseCipheredApdu(apdu);
  const published = parseKey(rec.key);
  if (!ciphered.ok || !published.ok) throw new Error(`${rec.file}: not a ciphered APDU`);
  const plain = decipherApdu(ciphered.value, { key: published.value });
  if (!plain.ok) throw new Error(`${rec.file}: ${plain.error.message}`);
  let key = published.value;
  const ownKey = settings['key'] !== undefined;
  if (settings['key'] !== undefined) {
    const k = parseKey(settings['key']);
    if (!k.ok) throw new Error(`key: ${k.error.message}`);
    key = k.value;
  }
  const replay = settings['replay'] === 'true';
  const c = ciphered.value;
  let sent = 0;
  const sim: MeterSimulator = {
    description: `DLMS push meter: ${rec.meter}${ownKey ? ', own key' : ''}`,
    line: rec.line,
    push: () => {
      const n = sent++;
      if (replay || (n === 0 && !ownKey)) return Uint8Array.from(Buffer.concat(frames));
      const again = buildCipheredApdu(plain.value, {
        key,
        systemTitle: c.systemTitle,
        invocationCounter: (c.invocationCounter + n) >>> 0,
        securityControl: c.securityControl,
        tag: c.tag,
      });
      return Uint8Array.from(Buffer.concat(replaceApdu(carried, again)));
    },
  };
  return sim;
};
