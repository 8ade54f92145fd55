import { canonicalObis, homieId, obisSlug, topicId } from '@smi/model';

/**
 * Filters every SMI template has. Values stay typed until the last step: `round` returns a
 * number and `json` serialises it, so `{{ v | round(1) | json }}` is a JSON number.
 */

/** `json` / `dump`: JSON text; undefined becomes `null` so the output is always valid JSON. */
export function jsonFilter(value: unknown, indent?: number): string {
  return JSON.stringify(value ?? null, null, indent) ?? 'null';
}

/** Rounds half away from zero, decimal-exact for ordinary numbers (1.005 → 1.01); non-numbers pass through. */
export function roundFilter(value: unknown, digits = 0): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) return value;
  const d = Math.max(0, Math.min(15, Math.trunc(digits)));
  const abs = Math.abs(value);
  // Shift the decimal point in the text form, so 1.005 is not rounded as 1.00499999…
  let rounded = Number(`${Math.round(Number(`${abs}e${d}`))}e-${d}`);
  if (!Number.isFinite(rounded)) rounded = Math.round(abs * 10 ** d) / 10 ** d;
  return value < 0 ? -rounded : rounded;
}

function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

export function topicIdFilter(value: unknown): string {
  return topicId(text(value));
}

export function homieIdFilter(value: unknown): string {
  return homieId(text(value));
}

/** `1-0:1.8.0` (any spelling the model parses) → `1_0_1_8_0`. */
export function obisSlugFilter(value: unknown): string {
  const t = text(value);
  return obisSlug(canonicalObis(t) ?? t);
}

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'number' || typeof value === 'string') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

/**
 * `iso`: a Date or epoch milliseconds → ISO-8601 UTC (`2026-03-01T09:15:00.000Z`). ISO strings
 * (what snapshots carry) are returned unchanged, keeping the meter's offset; `iso('utc')`
 * converts them to UTC. Anything unparsable renders empty.
 */
export function isoFilter(value: unknown, mode?: string): string {
  const date = toDate(value);
  if (date === undefined) return '';
  if (typeof value === 'string' && mode !== 'utc') return value;
  return date.toISOString();
}

/** `epoch`: seconds (or `epoch('ms')` milliseconds) since 1970 of a date, ISO string or epoch ms; null when unparsable. */
export function epochFilter(value: unknown, unit?: string): number | null {
  const date = toDate(value);
  if (date === undefined) return null;
  return unit === 'ms' ? date.getTime() : Math.floor(date.getTime() / 1000);
}

/** `merge`: a shallow copy of an object with another one's keys on top (`values | merge({ "time": time })`). */
export function mergeFilter(base: unknown, extra: unknown): Record<string, unknown> {
  const a = typeof base === 'object' && base !== null ? base : {};
  const b = typeof extra === 'object' && extra !== null ? extra : {};
  return { ...a, ...b };
}

/**
 * `bare`: a value as a bare MQTT payload: numbers and booleans as text, strings as is, null as
 * `None`. An empty retained payload would delete the topic's retained value instead of carrying
 * "no value"; `None` is what Home Assistant (state unknown) and openHAB's HA binding (NULL) read
 * as "no value".
 */
export function bareFilter(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const BUILT_IN_FILTERS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  json: jsonFilter,
  dump: jsonFilter,
  round: roundFilter,
  topic_id: topicIdFilter,
  homie_id: homieIdFilter,
  obis_slug: obisSlugFilter,
  iso: isoFilter,
  epoch: epochFilter,
  merge: mergeFilter,
  bare: bareFilter,
};
