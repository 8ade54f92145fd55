import { formatObis, type ObisCode } from '@smi/model';

/** What a data-set address names: an OBIS code, or a code that is none (letters, odd shapes). */
export type D0Address =
  | { readonly kind: 'obis'; readonly obis: ObisCode; readonly a: number; readonly b: number; readonly groups: string; readonly f: number }
  | { readonly kind: 'code'; readonly code: string; readonly key: string };

const NUMERIC = /^(?:(\d{1,3})-(\d{1,3}):)?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[*&](\d{1,3}))?$/;

/**
 * Classifies a data-set address. Numeric forms become canonical OBIS: `1-0:1.8.0*255` →
 * `1-0:1.8.0`; the short D0 form `1.8.0` takes A = `defaultMedium` and B = 0 (the model's
 * `parseObis` convention); `6.8*01` (E left out, 2WR5 heat meters) is read as E = 0
 * (an assumption: IEC 62056-61 reduced ids, unverified). Anything with letters (`C.1.0`, `F.F`,
 * `0-0:C.51.2*01`, `P.01`) stays a code: `*255` is dropped and F written without leading zeros,
 * and its key is `d0_` plus the code's characters (`d0_0_0_c_51_2_1`).
 */
export function classifyAddress(text: string, defaultMedium: number): D0Address {
  const m = NUMERIC.exec(text);
  if (m) {
    const a = m[1] === undefined ? defaultMedium : Number(m[1]);
    const b = m[2] === undefined ? 0 : Number(m[2]);
    const c = Number(m[3]);
    const d = Number(m[4]);
    const e = m[5] === undefined ? 0 : Number(m[5]);
    const f = m[6] === undefined ? 255 : Number(m[6]);
    if (a <= 255 && b <= 255 && c <= 255 && d <= 255 && e <= 255 && f <= 255) {
      return { kind: 'obis', obis: formatObis({ a, b, c, d, e, f }), a, b, groups: `${c}.${d}.${e}`, f };
    }
  }
  const code = text.replace(/\*255$/, '').replace(/\*0+(\d)/, '*$1');
  return {
    kind: 'code',
    code,
    key: `d0_${code
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')}`,
  };
}

/**
 * IEC 62056-61 letter codes in value groups C and D: `C` = 96 (service entries), `F` = 97
 * (error messages), `L` = 98 (lists), `P` = 99 (profiles) — as smartmeter-obis
 * `lib/ObisMeasurement.js` maps them. Used only to recognise identity codes (`C.1.0` = 96.1.0);
 * readings keep the letter code.
 */
const LETTER: Readonly<Record<string, string>> = { C: '96', F: '97', L: '98', P: '99' };

/** `C.D.E` of a letter code (`0-0:C.1.0*255` → `96.1.0`, `C.1` → `96.1.0`), or undefined. */
export function letterCodeCde(code: string): string | undefined {
  const m = /^(?:\d{1,3}-\d{1,3}:)?([0-9CFLP]{1,3})\.([0-9CFLP]{1,3})(?:\.(\d{1,3}))?(?:\*\d{1,3})?$/.exec(code);
  if (!m) return undefined;
  const groups = [m[1], m[2], m[3] ?? '0'].map((g = '') => Number(LETTER[g] ?? g));
  return groups.every((g) => Number.isInteger(g) && g <= 255) ? groups.join('.') : undefined;
}
