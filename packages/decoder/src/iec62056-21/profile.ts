import { buildReading, normalizeUnit, optional, type LogEntry, type Reading } from '@smi/model';
import type { D0Address } from './address';
import type { DataSet } from './data-sets';
import { entriesInUnit } from './entries';
import type { ReadingFactory } from './readings';
import { parseDecimalText } from '../common/decimal-text';
import { addMinutes, parseTimestamp, splitUnit } from './values';

/**
 * A load profile in a readout (`P.01`, `P.02`): header
 * `P.01(start)(status)(period)(z)(code1)(unit1)…(codez)(unitz)`, then one line of z bracketed
 * values per interval. Layout after common IEC 62056-21 meter manuals (unverified). Each channel
 * becomes one reading (key `profile_p01_<channel key>`, disabled by default) whose value is the
 * newest interval and whose entries are all intervals, timed from the header's start time plus
 * `period` minutes per line. A header of another shape (event logs `P.98`…) is kept as one
 * reading with the raw text and one entry per line.
 */
export function readProfile(info: D0Address & { readonly kind: 'code' }, header: DataSet, rows: readonly DataSet[], factory: ReadingFactory): Reading[] {
  const tag = info.code.replace(/^.*P\./, 'p');
  const v = header.values;
  const start = parseTimestamp(v[0] ?? '');
  const period = parseDecimalText(v[2] ?? '');
  const z = parseDecimalText(v[3] ?? '');
  const regular =
    start !== undefined &&
    period !== undefined &&
    z !== undefined &&
    Number.isInteger(z) &&
    z > 0 &&
    v.length === 4 + 2 * z &&
    rows.every((r) => r.values.length === z);
  if (!regular) return [raw(info, header, rows)];
  const out: Reading[] = [];
  for (let ch = 0; ch < z; ch++) {
    const channel = factory.address(v[4 + 2 * ch] ?? '');
    const unitText = v[5 + 2 * ch] ?? '';
    const unit = normalizeUnit(unitText);
    const entries: LogEntry[] = rows.map((row, i) => {
      const [text, own] = splitUnit(row.values[ch] ?? '');
      const n = parseDecimalText(text);
      const u = own === '' ? unit : normalizeUnit(own);
      const time = addMinutes(start, i * period);
      return { time, value: n ?? (text === '' ? null : text), ...(u === undefined ? {} : { unit: u }) };
    });
    const last = entries[entries.length - 1];
    const name = `Profile ${info.code}`;
    if (channel.kind === 'code') {
      out.push({
        key: `profile_${tag}_${channel.key}`,
        name: `${name} ${channel.code}`,
        quantity: 'unknown',
        value: last?.value ?? null,
        entries,
        enabledByDefault: false,
        ...(last?.time === undefined ? {} : { time: last.time }),
      });
      continue;
    }
    const r = buildReading({
      obis: channel.obis,
      value: last?.value ?? null,
      ...optional('unit', unit),
      ...(last?.time === undefined ? {} : { time: last.time }),
    });
    out.push({
      ...r,
      key: `profile_${tag}_${r.key}`,
      name: `${name} ${r.name}`,
      entries: entriesInUnit(entries, r.unit),
      enabledByDefault: false,
    });
  }
  return out;
}

function raw(info: D0Address & { readonly kind: 'code' }, header: DataSet, rows: readonly DataSet[]): Reading {
  const text = `(${header.values.join(')(')})`;
  return {
    key: info.key,
    name: `D0 ${info.code}`,
    quantity: 'unknown',
    value: text,
    raw: text,
    entries: rows.map((r) => ({ value: `(${r.values.join(')(')})` })),
    enabledByDefault: false,
  };
}
