/**
 * OBIS codes (IEC 62056-61): `A-B:C.D.E*F`. The canonical text form drops `*F` when F is 255
 * (the "current / not used" billing period).
 */
export interface Obis {
  readonly a: number;
  readonly b: number;
  readonly c: number;
  readonly d: number;
  readonly e: number;
  readonly f: number;
}

/** Canonical text form of an OBIS code: `A-B:C.D.E` or `A-B:C.D.E*F`. */
export type ObisCode = string;

const OBIS_TEXT = /^(\d{1,3})-(\d{1,3}):(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:[*&.](\d{1,3}))?$/;
const OBIS_DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const OBIS_SHORT = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function fields(values: readonly (string | undefined)[]): Obis | undefined {
  const n = values.map((v) => (v === undefined ? 255 : Number(v)));
  if (n.some((x) => !Number.isInteger(x) || x < 0 || x > 255)) return undefined;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 255] = n;
  return { a, b, c, d, e, f };
}

/**
 * Parses the spellings meters and tools use: `1-0:1.8.0`, `1-0:1.8.0*255`, `1-0:1.8.0.255`,
 * `1.0.1.8.0.255` (DLMS dotted) and the short D0 form `1.8.0` (A=1, B=0 assumed by the caller
 * passing `defaultMedium`).
 */
export function parseObis(text: string, defaultMedium = 1): Obis | undefined {
  const t = text.trim();
  let m = OBIS_TEXT.exec(t);
  if (m) return fields(m.slice(1));
  m = OBIS_DOTTED.exec(t);
  if (m) return fields(m.slice(1));
  m = OBIS_SHORT.exec(t);
  if (m) return fields([String(defaultMedium), '0', m[1], m[2], m[3]]);
  return undefined;
}

/** OBIS from its 6-byte binary form (SML, DLMS). */
export function obisFromBytes(bytes: Uint8Array): Obis | undefined {
  if (bytes.length !== 6) return undefined;
  const [a = 0, b = 0, c = 0, d = 0, e = 0, f = 0] = bytes;
  return { a, b, c, d, e, f };
}

export function formatObis(o: Obis): ObisCode {
  const base = `${o.a}-${o.b}:${o.c}.${o.d}.${o.e}`;
  return o.f === 255 ? base : `${base}*${o.f}`;
}

/** Canonicalises any accepted spelling; undefined when the text is not an OBIS code. */
export function canonicalObis(text: string, defaultMedium = 1): ObisCode | undefined {
  const o = parseObis(text, defaultMedium);
  return o ? formatObis(o) : undefined;
}

/** An identifier-safe form (`1-0:1.8.0*1` → `1_0_1_8_0_1`) for topics, JSON keys and object ids. */
export function obisSlug(code: ObisCode): string {
  return code.replace(/[^0-9]+/g, '_');
}
