import type { ProtocolId } from '@smi/model';
import { hexToBytes } from '../common/hex';
import type { StreamDecoder } from '../common/stream';
import { createDecoder } from '../factory';
import { buildHdlcFrame } from '../hdlc/frame';

/**
 * The five protocols the hostile-stream harness and `npm run fuzz` exercise, each with the real
 * fixture frames it starts from (packages/decoder/fixtures, see the READMEs there for provenance),
 * the byte sequences that open or close a frame (garbage is salted with them) and how many bits a
 * corrupted copy may have flipped so that the protocol's own check must see it.
 *
 * Pure: files are read through the `read` function the caller passes (tests and the fuzz script
 * read from disk), paths relative to packages/decoder/fixtures.
 */
export type FixtureReader = (path: string) => Uint8Array;

export interface HostileProtocol {
  readonly id: ProtocolId;
  /** Good frames, one real frame each, as a meter sends it. */
  readonly frames: (read: FixtureReader) => Uint8Array[];
  /** Start/end markers (and their prefixes) that garbage is salted with. */
  readonly markers: readonly Uint8Array[];
  /**
   * Most bits flipped in one corrupted copy. CRC-16 (DSMR, SML, HDLC) sees every 1–3 bit error in
   * frames of these sizes; the XOR BCC of IEC 62056-21 and the 8-bit sum of M-Bus see every single
   * bit error but not two flips of the same bit position, so those copies flip exactly one bit.
   */
  readonly maxFlips: number;
  /** Largest frame the protocol's framer keeps (its `too-long` limit), for the bounded-buffer check. */
  readonly maxFrameBytes: number;
}

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

function hex(read: FixtureReader, path: string): Uint8Array {
  const bytes = hexToBytes(new TextDecoder('latin1').decode(read(path)));
  if (bytes === undefined) throw new Error(`${path}: not hex`);
  return bytes;
}

/** DSMR 4/5 telegrams with a 4-digit CRC-16 and CR LF (the set `npm run bench` uses). */
const DSMR_FIXTURES = [
  'amshan-ell5-253833635',
  'amshan-landisgyr-e360-d',
  'fluvius-v171',
  'fluvius-v171-alt',
  'iskra-ie-am550',
  'sagemcom-t210-d-r-plain',
  'v4_2-kaifa',
  'v5-eon-hungary-sagemcom',
  'v5-iskra-am550-two-mbus',
  'v5-iskra-mt382',
];

/** IEC 62056-21 readouts with STX … ETX BCC (the other D0 fixtures carry no BCC). */
const D0_FIXTURES = ['smartmeter-obis-iskra-mt174'];
/**
 * Readouts whose published BCC byte is wrong (the fixture tests expect `bad-crc`): used with the
 * BCC recomputed, so the stream holds readouts of three meters.
 */
const D0_RESIGNED = ['smartmeter-obis-lgz-zmd-header', 'smartmeter-obis-siemens-2wr5'];

/** A readout with its BCC (XOR of the bytes after STX through ETX) recomputed. */
export function resignBcc(readout: Uint8Array): Uint8Array {
  const out = readout.slice();
  const stx = out.indexOf(0x02);
  const etx = out.lastIndexOf(0x03);
  if (stx < 0 || etx !== out.length - 2) throw new Error('not a readout STX … ETX BCC');
  let bcc = 0;
  for (let i = stx + 1; i <= etx; i++) bcc ^= out[i] as number;
  out[etx + 1] = bcc;
  return out;
}

/**
 * SML captures; every complete transport file in them is one good frame (not `sml-go-iskra-pulse`
 * and `sml-openmuc-hager-ehz`: their published files fail the file CRC, see fixtures/sml/README.md).
 */
const SML_FIXTURES = ['smartmeter-obis-emh-ehz', 'smartmeter-obis-ttyUSB0-2-dump', 'sml-openems-iskra'];

/**
 * libmbus long frames (of real meters) that are a whole readout on their own. Left out: frames
 * announcing more telegrams (DIF 1F: Elster-F2, SEN_Sensus-PolluStat-E, berg_dz_plus…), which the
 * merging decoder holds back and joins with the next telegram of the same meter.
 */
export const MBUS_FIXTURES = [
  'ACW_Itron-BM-plus-m',
  'EDC',
  'EFE_Engelmann-WaterStar',
  'ELS_Elster-F96-Plus',
  'EMU_EMU-Professional-375-M-Bus',
  'GWF-MTKcoder',
  'LGB_G350',
  'SBC_Saia-Burgess-ALE3',
  'abb_f95',
  'allmess_cf50',
  'eastron_sdm630',
  'electricity-meter-1',
  'els_falcon',
  'emh_diz',
  'itron_cf_51',
  'kamstrup_382_005',
  'kamstrup_multical_601',
  'landisplusgyr_ultraheat_t230',
];

/**
 * Nordic HAN pushes (amshan test vectors: information fields, LLC + data-notification) that name
 * their meter (`amshan-aidon-se-list` does not: it takes the id of an earlier push in the stream), each wrapped in the single HDLC frame (type 3, HCS/FCS) a HAN meter sends.
 */
const DLMS_HAN_FIXTURES = [
  'amshan-aidon-no-list-2',
  'amshan-aidon-no-list-3',
  'amshan-kaifa-no-list-2',
  'amshan-kaifa-no-list-3',
  'amshan-kaifa-se-list',
  'amshan-kamstrup-no-list-1-three-phase',
  'amshan-kamstrup-no-list-2-three-phase',
  'amshan-kamstrup-se-list-real-sample',
];

const SML_START = [0x1b, 0x1b, 0x1b, 0x1b, 0x01, 0x01, 0x01, 0x01];
const SML_END = [0x1b, 0x1b, 0x1b, 0x1b, 0x1a];

function indexOfSeq(b: Uint8Array, seq: readonly number[], from: number): number {
  outer: for (let i = from; i + seq.length <= b.length; i++) {
    for (let k = 0; k < seq.length; k++) if (b[i + k] !== seq[k]) continue outer;
    return i;
  }
  return -1;
}

/** Complete SML transport files (start sequence … end sequence + 3 bytes) in a capture. */
export function smlFiles(capture: Uint8Array): Uint8Array[] {
  const files: Uint8Array[] = [];
  let at = indexOfSeq(capture, SML_START, 0);
  while (at >= 0) {
    const next = indexOfSeq(capture, SML_START, at + 8);
    let end = indexOfSeq(capture, SML_END, at + 8);
    while (end >= 0 && (end - at) % 4 !== 0) end = indexOfSeq(capture, SML_END, end + 1);
    if (end < 0 || end + 8 > capture.length) break;
    if (next < 0 || end < next) files.push(capture.slice(at, end + 8));
    at = next;
  }
  return files;
}

export const HOSTILE_PROTOCOLS: readonly HostileProtocol[] = [
  {
    id: 'dsmr',
    frames: (read) => DSMR_FIXTURES.map((n) => read(`dsmr/${n}.txt`)),
    markers: [ascii('/'), ascii('!'), ascii('\r\n'), ascii('/ISK5\\2M550T-1012\r\n'), ascii('!1A2B\r\n')],
    maxFlips: 3,
    maxFrameBytes: 8192,
  },
  {
    id: 'iec62056-21',
    frames: (read) => [...D0_FIXTURES.map((n) => read(`d0/${n}.txt`)), ...D0_RESIGNED.map((n) => resignBcc(read(`d0/${n}.txt`)))],
    markers: [ascii('/'), Uint8Array.of(0x02), Uint8Array.of(0x03), Uint8Array.of(0x01), ascii('!\r\n'), Uint8Array.of(0x21, 0x0d, 0x0a, 0x03)],
    maxFlips: 1,
    maxFrameBytes: 256 * 1024,
  },
  {
    id: 'sml',
    frames: (read) => SML_FIXTURES.flatMap((n) => smlFiles(hex(read, `sml/${n}.hex`))),
    markers: [Uint8Array.from(SML_START), Uint8Array.from(SML_END), Uint8Array.of(0x1b, 0x1b, 0x1b, 0x1b), Uint8Array.of(0x76, 0x05)],
    maxFlips: 3,
    maxFrameBytes: 64 * 1024,
  },
  {
    id: 'mbus',
    frames: (read) => MBUS_FIXTURES.map((n) => hex(read, `mbus/${n}.hex`)),
    markers: [
      Uint8Array.of(0x68),
      Uint8Array.of(0x16),
      Uint8Array.of(0xe5),
      Uint8Array.of(0x10),
      Uint8Array.of(0x68, 0x40, 0x40, 0x68),
      Uint8Array.of(0x68, 0x03, 0x03, 0x68),
    ],
    maxFlips: 1,
    maxFrameBytes: 261,
  },
  {
    id: 'dlms',
    frames: (read) =>
      DLMS_HAN_FIXTURES.map((n) => buildHdlcFrame(hex(read, `dlms-hdlc-han/${n}.hex`), { destination: [0x41], source: [0x08, 0x83], control: 0x13 })),
    markers: [Uint8Array.of(0x7e), Uint8Array.of(0x7e, 0xa0), Uint8Array.of(0x7e, 0xa1), Uint8Array.of(0xe6, 0xe7, 0x00, 0x0f)],
    maxFlips: 3,
    maxFrameBytes: 2049,
  },
];

/** A fresh stream decoder from the factory, as the gateway makes it (no options). */
export function factoryDecoder(id: ProtocolId): () => StreamDecoder {
  return () => {
    const created = createDecoder(id);
    if (!created.ok) throw new Error(created.error);
    return created.value;
  };
}
