import { fail, ok, type Result } from '../common';
import { CI } from './application';
import { encodeLongFrame, encodeShortFrame, type MbusFrame } from './frame';
import { decodeManufacturer, encodeManufacturer } from './header';

/** C-field codes (EN 13757-2; libmbus `mbus-protocol.h`; protocol notes §5.2). */
export const CONTROL = {
  SND_NKE: 0x40,
  SND_UD: 0x53,
  REQ_UD1: 0x5a,
  REQ_UD2: 0x5b,
  RSP_UD: 0x08,
  /** Frame count bit (master). */
  FCB: 0x20,
  /** Frame count bit valid (master). */
  FCV: 0x10,
  /** Access demand (slave). */
  ACD: 0x20,
  /** Data flow control (slave). */
  DFC: 0x10,
  /** Direction: master → slave. */
  DIR: 0x40,
} as const;

/** Special A-field values. 1–250 are primary addresses. */
export const ADDRESS = {
  unconfigured: 0x00,
  /** Network layer: the slave selected by secondary addressing. */
  network: 0xfd,
  /** Broadcast, all slaves reply (only safe with one slave on the bus). */
  broadcastReply: 0xfe,
  /** Broadcast, no slave replies. */
  broadcast: 0xff,
} as const;

/** Baud rates settable with CI B8–BF. */
export const BAUD_RATES = [300, 600, 1200, 2400, 4800, 9600, 19200, 38400] as const;
export type BaudRate = (typeof BAUD_RATES)[number];

function checkAddress(address: number): void {
  if (!Number.isInteger(address) || address < 0 || address > 0xff) throw new RangeError(`M-Bus address out of range: ${address}`);
}

/** SND_NKE (link reset): `10 40 A CS 16`; the slave answers E5. */
export function buildSndNke(address: number): Uint8Array {
  checkAddress(address);
  return encodeShortFrame(CONTROL.SND_NKE, address);
}

/** REQ_UD2 (request class 2 data): `10 5B|7B A CS 16` (FCB 0/1, FCV always set). */
export function buildReqUd2(address: number, fcb: boolean): Uint8Array {
  checkAddress(address);
  return encodeShortFrame(CONTROL.REQ_UD2 | (fcb ? CONTROL.FCB : 0), address);
}

/** REQ_UD1 (request class 1 data: alarms): `10 5A|7A A CS 16`. */
export function buildReqUd1(address: number, fcb: boolean): Uint8Array {
  checkAddress(address);
  return encodeShortFrame(CONTROL.REQ_UD1 | (fcb ? CONTROL.FCB : 0), address);
}

/** SND_UD (send user data): `68 L L 68 53|73 A CI data CS 16`. */
export function buildSndUd(address: number, ci: number, data: Uint8Array = new Uint8Array(0), fcb = false): Uint8Array {
  checkAddress(address);
  return encodeLongFrame(CONTROL.SND_UD | (fcb ? CONTROL.FCB : 0), address, ci, data);
}

/** Application reset (CI 50), optionally with a subcode byte. */
export function buildApplicationReset(address: number, subcode?: number): Uint8Array {
  return buildSndUd(address, CI.applicationReset, subcode === undefined ? undefined : Uint8Array.of(subcode & 0xff));
}

/** Switches the slave's baud rate (CI B8–BF); the slave answers E5 at the old rate. */
export function buildSetBaudRate(address: number, baud: BaudRate): Uint8Array {
  return buildSndUd(address, 0xb8 + BAUD_RATES.indexOf(baud));
}

/** Writes a new primary address: SND_UD CI 51, record `01 7A <address>` (libmbus `mbus_set_primary_address`). */
export function buildSetPrimaryAddress(address: number, newAddress: number): Uint8Array {
  checkAddress(newAddress);
  return buildSndUd(address, CI.dataSend, Uint8Array.of(0x01, 0x7a, newAddress));
}

/** True for the single-character acknowledgement E5. */
export function isAck(frame: MbusFrame | Uint8Array): boolean {
  if (frame instanceof Uint8Array) return frame.length === 1 && frame[0] === 0xe5;
  return frame.type === 'ack';
}

// ---- FCB bookkeeping -------------------------------------------------------------------------

/**
 * Frame count bit per primary address: the FCB the next new REQ_UD2 will carry. Unknown
 * addresses start at 1 (protocol notes §5.9: first REQ_UD2 is `7B`), as after SND_NKE.
 */
export interface FcbState {
  readonly next: Readonly<Record<number, boolean>>;
}

export function createFcbState(): FcbState {
  return { next: {} };
}

/** SND_NKE to `address`; afterwards the next REQ_UD2 carries FCB 1 (unverified detail, notes §5.2). */
export function linkReset(state: FcbState, address: number): { readonly frame: Uint8Array; readonly state: FcbState } {
  return { frame: buildSndNke(address), state: { next: { ...state.next, [address]: true } } };
}

/** A new REQ_UD2: uses the expected FCB and toggles it for the next request. */
export function nextReqUd2(state: FcbState, address: number): { readonly frame: Uint8Array; readonly fcb: boolean; readonly state: FcbState } {
  const fcb = state.next[address] ?? true;
  return { frame: buildReqUd2(address, fcb), fcb, state: { next: { ...state.next, [address]: !fcb } } };
}

/** Repeats the last REQ_UD2 (same FCB: the slave retransmits its last answer). */
export function repeatReqUd2(state: FcbState, address: number): { readonly frame: Uint8Array; readonly fcb: boolean } {
  const fcb = !(state.next[address] ?? true);
  return { frame: buildReqUd2(address, fcb), fcb };
}

// ---- Secondary addressing --------------------------------------------------------------------

/**
 * A secondary address pattern: 8 id digits (`F` = any digit), manufacturer (3 letters or
 * undefined = any), version and medium (undefined = any). Written as text it is libmbus' 16 hex
 * characters: id, manufacturer code, version, medium (`12345678FFFFFFFF`).
 */
export interface SecondaryAddressMask {
  readonly id: string;
  readonly manufacturer?: string;
  readonly version?: number;
  readonly medium?: number;
}

const LAYER = 'mbus-master';

/** Parses libmbus' 16-character mask (`1234567F2C2D0804`, `FFFFFFFFFFFFFFFF`). */
export function parseSecondaryMask(text: string): Result<SecondaryAddressMask> {
  const t = text.trim().toUpperCase();
  if (!/^[0-9F]{8}[0-9A-F]{8}$/.test(t)) return fail('bad-format', LAYER, 'a secondary address mask is 16 hex characters, id digits 0-9 or F');
  const man = parseInt(t.slice(8, 12), 16);
  const version = parseInt(t.slice(12, 14), 16);
  const medium = parseInt(t.slice(14, 16), 16);
  return ok({
    id: t.slice(0, 8),
    ...(man === 0xffff ? {} : { manufacturer: decodeManufacturer(man) }),
    ...(version === 0xff ? {} : { version }),
    ...(medium === 0xff ? {} : { medium }),
  });
}

/** The 8 data bytes of a selection: id BCD LSB first, manufacturer LE, version, medium; wildcards F/FF. */
export function encodeSecondaryMask(mask: SecondaryAddressMask): Result<Uint8Array> {
  const id = mask.id.toUpperCase();
  if (!/^[0-9F]{8}$/.test(id)) return fail('bad-format', LAYER, 'id mask must be 8 characters 0-9 or F');
  let man = 0xffff;
  if (mask.manufacturer !== undefined) {
    const code = encodeManufacturer(mask.manufacturer);
    if (code === undefined) return fail('bad-format', LAYER, 'manufacturer must be three letters');
    man = code;
  }
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) out[i] = parseInt(id.slice(6 - 2 * i, 8 - 2 * i), 16);
  out[4] = man & 0xff;
  out[5] = man >> 8;
  out[6] = mask.version ?? 0xff;
  out[7] = mask.medium ?? 0xff;
  return ok(out);
}

/** SND_UD to A = FD with CI 52 and the mask: the matching slave answers E5 and is selected. */
export function buildSelectSecondary(mask: SecondaryAddressMask | string): Result<Uint8Array> {
  const m = typeof mask === 'string' ? parseSecondaryMask(mask) : ok(mask);
  if (!m.ok) return m;
  const data = encodeSecondaryMask(m.value);
  return data.ok ? ok(buildSndUd(ADDRESS.network, CI.selectSlave, data.value)) : data;
}

/**
 * Whether a slave with the given 8 header bytes (id 4 LSB first, manufacturer 2, version,
 * medium) matches the 8 selection bytes (nibble F / byte FF = wildcard).
 */
export function matchesSecondaryMask(selection: Uint8Array, address: Uint8Array): boolean {
  if (selection.length !== 8 || address.length !== 8) return false;
  for (let i = 0; i < 4; i++) {
    const s = selection[i] as number;
    const a = address[i] as number;
    if (s >> 4 !== 0xf && s >> 4 !== a >> 4) return false;
    if ((s & 0x0f) !== 0xf && (s & 0x0f) !== (a & 0x0f)) return false;
  }
  const manAny = selection[4] === 0xff && selection[5] === 0xff;
  if (!manAny && (selection[4] !== address[4] || selection[5] !== address[5])) return false;
  if (selection[6] !== 0xff && selection[6] !== address[6]) return false;
  if (selection[7] !== 0xff && selection[7] !== address[7]) return false;
  return true;
}
