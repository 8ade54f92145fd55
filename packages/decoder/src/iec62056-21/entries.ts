import { convertValue, type LogEntry, type Unit } from '@smi/model';

/** Converts numeric entries to the reading's unit, so a history reads in the published unit. */
export function entriesInUnit(entries: readonly LogEntry[], unit: Unit | undefined): LogEntry[] {
  return entries.map((e) => {
    if (unit === undefined || e.unit === undefined || typeof e.value !== 'number' || e.unit === unit) return e;
    const v = convertValue(e.value, e.unit, unit);
    return v === undefined ? e : { ...e, value: v, unit };
  });
}
