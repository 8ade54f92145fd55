import type { MeterSnapshot } from '@smi/model';

/**
 * InfluxDB line protocol (v1 and v2 `/write`): `smi,key=<key>,meter=<id> value=<number> <ns>`.
 * Tags sorted by name (InfluxDB's recommendation), one float field, the receive time in ns.
 */
export const INFLUX_MEASUREMENT = 'smi';

/** A tag key or value: commas, equals signs and spaces escaped; line breaks are not allowed and become spaces. */
export function escapeTag(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([,= ])/g, '\\$1');
}

/** A measurement name: commas and spaces escaped. */
export function escapeMeasurement(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([, ])/g, '\\$1');
}

/** A float field value: finite numbers only (line protocol has no NaN or infinity). */
export function floatField(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  return String(v);
}

/** Nanoseconds since the epoch of an ISO-8601 time, as decimal text (exact: integer ms × 10⁶). */
export function isoToNanoseconds(iso: string): string | undefined {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return undefined;
  return (BigInt(ms) * 1000000n).toString();
}

/**
 * One line per numeric reading of a snapshot, stamped with its receive time (the gateway's clock;
 * meter clocks drift and some send none). Text, timestamps and empty values are left out: a field
 * keeps one type per measurement in InfluxDB.
 */
export function influxLines(snapshot: MeterSnapshot): string[] {
  const ts = snapshot.receivedAt === undefined ? undefined : isoToNanoseconds(snapshot.receivedAt);
  const meter = escapeTag(snapshot.meter.id);
  const lines: string[] = [];
  for (const r of snapshot.readings) {
    if (typeof r.value !== 'number') continue;
    const value = floatField(r.value);
    if (value === undefined) continue;
    const tags = `${escapeMeasurement(INFLUX_MEASUREMENT)},key=${escapeTag(r.key)}${meter === '' ? '' : `,meter=${meter}`}`;
    lines.push(`${tags} value=${value}${ts === undefined ? '' : ` ${ts}`}`);
  }
  return lines;
}
