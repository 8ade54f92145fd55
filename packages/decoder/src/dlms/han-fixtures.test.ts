import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MeterSnapshot, Reading } from '@smi/model';
import { expectDefined, expectOk, hexBytes } from '../common/testing';
import { decodeDlmsApdu } from './apdu';
import { dlmsNumber } from './axdr-types';
import { decodeCosemDateTime } from './cosem-datetime';
import { decodeDlmsPush } from './stream-decoder';
import { type PushItem, readPushList } from './push-list';

/** Nordic HAN information fields (toreamun/amshan tests): raw values, then amshan's scaled output. */
const dir = join(__dirname, '../../fixtures/dlms-hdlc-han');
interface Fixture {
  expected: Record<string, { value: string | number; list_index: number }>;
  expected_decoded: Record<string, string | number>;
  apdu_expected: { long_invoke_id_and_priority: number; datetime: string | number };
}
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.hex'))
  .map((f) => {
    const json = JSON.parse(readFileSync(join(dir, f.replace(/\.hex$/, '.json')), 'utf8')) as Fixture;
    return { name: f, bytes: hexBytes(readFileSync(join(dir, f), 'utf8')), json };
  });

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** amshan field name → OBIS C.D.E and the factor from our publishing unit back to amshan's (kWh → Wh). */
const FIELDS: Record<string, [cde: string, factor: number]> = {
  active_power_import: ['1.7.0', 1],
  active_power_export: ['2.7.0', 1],
  reactive_power_import: ['3.7.0', 1],
  reactive_power_export: ['4.7.0', 1],
  current_l1: ['31.7.0', 1],
  current_l2: ['51.7.0', 1],
  current_l3: ['71.7.0', 1],
  voltage_l1: ['32.7.0', 1],
  voltage_l2: ['52.7.0', 1],
  voltage_l3: ['72.7.0', 1],
  active_power_import_total: ['1.8.0', 1000],
  active_power_export_total: ['2.8.0', 1000],
  reactive_power_import_total: ['3.8.0', 1],
  reactive_power_export_total: ['4.8.0', 1],
  active_power_import_l1: ['21.7.0', 1],
  active_power_export_l1: ['22.7.0', 1],
  reactive_power_import_l1: ['23.7.0', 1],
  reactive_power_export_l1: ['24.7.0', 1],
  active_power_import_l2: ['41.7.0', 1],
  active_power_export_l2: ['42.7.0', 1],
  reactive_power_import_l2: ['43.7.0', 1],
  reactive_power_export_l2: ['44.7.0', 1],
  active_power_import_l3: ['61.7.0', 1],
  active_power_export_l3: ['62.7.0', 1],
  reactive_power_import_l3: ['63.7.0', 1],
  reactive_power_export_l3: ['64.7.0', 1],
};

function reading(s: MeterSnapshot, cde: string): Reading | undefined {
  return s.readings.find((r) => r.obis !== undefined && new RegExp(`^1-\\d+:${cde.replace(/\./g, '\\.')}$`).test(r.obis));
}

/**
 * An element's value as amshan's test states it: numbers scaled by the element's own scaler
 * (Kaifa/Kamstrup carry none in the frame: raw integers; Aidon: scaled), 12-byte octet strings as
 * COSEM date-times, other strings as text.
 */
function shownValue(item: PushItem): string | number | undefined {
  const v = item.value;
  const n = dlmsNumber(v);
  if (n !== undefined) return Number((n * 10 ** (item.scaler ?? 0)).toPrecision(12));
  if (v.type === 'octet-string' && v.value.length === 12) return expectOk(decodeCosemDateTime(v.value)).iso;
  if (v.type === 'octet-string') return latin1(v.value);
  return v.type === 'visible-string' ? v.value : undefined;
}

describe.each(cases)('$name', ({ bytes, json }) => {
  const apdu = decodeDlmsApdu(bytes);
  if (!apdu.ok) throw new Error(apdu.error.message);
  const list = readPushList(apdu.value.notification.body);
  const snap = decodeDlmsPush(bytes);
  if (!snap.ok) throw new Error(snap.error.message);

  it('has the invoke id and header date-time the source asserts', () => {
    // amshan reads the first 24 bits as the invoke id (bit order MSB first); we keep the 32-bit value.
    expect(apdu.value.notification.longInvokeIdAndPriority >>> 8).toBe(json.apdu_expected.long_invoke_id_and_priority);
    // amshan writes 0 for a header without date-time
    const dt = apdu.value.notification.dateTime;
    expect(dt === undefined ? 0 : expectOk(decodeCosemDateTime(dt)).iso).toBe(json.apdu_expected.datetime);
  });

  const raw = Object.entries(json.expected);
  if (raw.length > 0) {
    it.each(raw)('element %s has the value the source asserts', (key, exp) => {
      const item = key.startsWith('list_index:')
        ? list.items.find((i) => i.index === exp.list_index)
        : list.items.find((i) => i.obis !== undefined && Array.from(i.obis).join('.') === key);
      const shown = shownValue(expectDefined(item));
      expect(shown).toBe(typeof shown === 'number' ? Number(exp.value) : exp.value);
    });
  }

  const decoded = Object.entries(json.expected_decoded).filter(([k]) => k in FIELDS);
  it.each(decoded)('maps %s to the model with amshan’s scaled value', (field, value) => {
    const [cde, factor] = FIELDS[field] as [string, number];
    const r = reading(snap.value, cde);
    expect(r).toBeDefined();
    expect(Number(((r?.value as number) * factor).toPrecision(12))).toBeCloseTo(Number(value), 9);
  });

  it('fills meter identity and time as amshan does', () => {
    const d = json.expected_decoded;
    const { meter } = snap.value;
    // Fields amshan leaves out are not compared.
    const asserted = Object.fromEntries(
      Object.entries({ id: d.meter_id, model: d.meter_type, version: d.list_ver_id, time: d.meter_datetime }).filter(([, v]) => v !== undefined),
    );
    expect({ id: meter.id, model: meter.model, version: meter.version, time: snap.value.time }).toMatchObject(asserted);
    // The maker is only known when the frame names it (list version or id); amshan knows it from the user's choice.
    const named = meter.version !== undefined || meter.manufacturerId !== undefined;
    expect(meter.manufacturer).toBe(named ? d.meter_manufacturer : undefined);
    expect(snap.value.protocol).toBe('dlms');
  });
});

describe('HAN units and quantities', () => {
  it('publishes Aidon values in model units (A, V, W, kWh)', () => {
    const c = cases.find((x) => x.name === 'amshan-aidon-no-list-3.hex');
    const s = c && decodeDlmsPush(c.bytes);
    if (!s?.ok) throw new Error('decode');
    const pick = (cde: string): [unknown, unknown, unknown] => {
      const r = reading(s.value, cde);
      return [r?.value, r?.unit, r?.quantity];
    };
    expect(pick('31.7.0')).toEqual([1.3, 'A', 'current']);
    expect(pick('32.7.0')).toEqual([227.6, 'V', 'voltage']);
    expect(pick('1.7.0')).toEqual([280, 'W', 'power']);
    expect(pick('1.8.0')).toEqual([22721.38, 'kWh', 'energy']);
    expect(s.value.meter).toMatchObject({ id: '7359992892587665', manufacturerId: 'AID', manufacturer: 'Aidon', model: '6525' });
  });

  it('skips the null-data padding of Kamstrup single-phase lists', () => {
    const c = cases.find((x) => x.name === 'amshan-kamstrup-no-list-2-single-phase-real-sample.hex');
    const s = c && decodeDlmsPush(c.bytes);
    expect(s?.ok && s.value.readings.map((r) => r.obis)).toEqual([
      '1-1:0.0.5',
      '1-1:96.1.1',
      '1-1:1.7.0',
      '1-1:2.7.0',
      '1-1:3.7.0',
      '1-1:4.7.0',
      '1-1:31.7.0',
      '1-1:32.7.0',
      '0-1:1.0.0',
      '1-1:1.8.0',
      '1-1:2.8.0',
      '1-1:3.8.0',
      '1-1:4.8.0',
    ]);
  });
});
