import type { ProtocolId } from '@smi/model';

const SML_START = [0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01];

function indexOfSeq(b: Uint8Array, seq: readonly number[], from = 0): number {
  outer: for (let i = from; i <= b.length - seq.length; i++) {
    for (let k = 0; k < seq.length; k++) if (b[i + k] !== seq[k]) continue outer;
    return i;
  }
  return -1;
}

/** M-Bus long frame `68 L L 68` with a valid checksum at `i`; returns the CI field, or -1. */
function mbusLongFrameCi(b: Uint8Array, i: number): number {
  const l = b[i + 1];
  if (b[i] !== 0x68 || l === undefined || l < 3 || b[i + 2] !== l || b[i + 3] !== 0x68) return -1;
  const end = i + 4 + l;
  if (end + 1 >= b.length || b[end + 1] !== 0x16) return -1;
  let sum = 0;
  for (let k = i + 4; k < end; k++) sum = (sum + (b[k] as number)) & 0xff;
  return sum === b[end] ? (b[i + 6] as number) : -1;
}

export type Detection = { readonly protocol: ProtocolId; readonly encrypted?: boolean } | 'need-more' | 'unknown';

/**
 * Recognises the protocol of a byte stream from its first frame: SML escape sequence, HDLC
 * frame format type 3, M-Bus long frames (application data vs. DLMS carried in M-Bus), the
 * encrypted P1 envelope, and the two ASCII protocols (DSMR P1 vs. IEC 62056-21) by their markers.
 */
export function detectProtocol(bytes: Uint8Array, final = false): Detection {
  if (indexOfSeq(bytes, SML_START) >= 0) return { protocol: 'sml' };
  for (let i = 0; i + 1 < bytes.length; i++) {
    const b = bytes[i];
    const n = bytes[i + 1] as number;
    if (b === 0x7e && (n & 0xf0) === 0xa0) return { protocol: 'dlms' };
    if (b === 0xdb && n === 0x08) return { protocol: 'dsmr', encrypted: true };
    if (b === 0x68) {
      const ci = mbusLongFrameCi(bytes, i);
      // CI 0x72/0x76/0x78/0x7A/0x73/0x77 (EN 13757-3 application data) vs. the DLMS carrier CIs.
      if (ci >= 0) return [0x72, 0x76, 0x78, 0x7a, 0x73, 0x77, 0x79, 0x7b].includes(ci) ? { protocol: 'mbus' } : { protocol: 'dlms' };
    }
    if (b === 0x2f /* '/' */) {
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + i, bytes.length - i).toString('latin1');
      const bang = text.indexOf('!');
      if (bang < 0) {
        if (text.length > 16384 || final) return 'unknown';
        return 'need-more';
      }
      if (/^!\s*[0-9A-Fa-f]{1,4}\r?\n/.test(text.slice(bang))) return { protocol: 'dsmr' };
      const head = text.slice(0, bang);
      // D0 readouts put STX at the start of the data block; DSMR may carry 0x02 only inside its header line.
      if (head.includes('\n\x02')) return { protocol: 'iec62056-21' };
      if (/\b(1-3:0\.2\.8|0-0:96\.1\.1|0-0:1\.0\.0|0-\d:24\.)/.test(head)) return { protocol: 'dsmr' };
      return { protocol: 'iec62056-21' };
    }
  }
  if (bytes.length > 16384 || final) return 'unknown';
  return 'need-more';
}
