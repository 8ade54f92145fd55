import type { ObisCode } from '@smi/model';
import type { ModbusMeterProfile } from '../common/profile';
import { judgeModbusIdentity, planModbusIdentify, sunSpecBaseOf, sunSpecIdentity, SUNSPEC_MARKER_READS, type ModbusIdentifyBlock } from './identify';
import { encodeModbusValue } from './registers';
import type { ModbusSection } from './section';

/** Profiles made for these tests: two share a product-code register, one names itself in text, two have no identify. */
const profile = (id: string, modbus: ModbusSection): ModbusMeterProfile => ({ id, protocol: 'modbus', match: {}, provenance: ['test'], modbus });
const volts = { address: 0, type: 'float32', obis: '1-0:32.7.0' as ObisCode, unit: 'V' } as const;
const power = { address: 12, type: 'float32', obis: '1-0:16.7.0' as ObisCode, unit: 'W' } as const;
const CODE_A = profile('code-a', { function: 4, registers: [volts, power], identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x70, 0x71] } });
const CODE_B = profile('code-b', { function: 4, registers: [volts], identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x20] } });
const TEXT = profile('text-c', { function: 3, registers: [volts], identify: { function: 3, address: 0x5000, registers: 8, textPrefix: 'ACME EM' } });
const PLAIN = profile('plain-d', { function: 4, registers: [power, volts] });
const SCALED = profile('scaled-e', {
  function: 3,
  registers: [{ address: 10, type: 'int16', obis: '1-0:12.7.0' as ObisCode, unit: 'V', scaleRegister: 14 }],
});
const ALL = [CODE_A, CODE_B, TEXT, PLAIN, SCALED];

const text = (s: string, regs: number): number[] => Array.from({ length: regs }, (_, i) => ((s.charCodeAt(2 * i) || 0) << 8) | (s.charCodeAt(2 * i + 1) || 0));
const block = (fn: 3 | 4, address: number, registers: number[] | undefined): ModbusIdentifyBlock => ({
  function: fn,
  address,
  count: registers?.length ?? 1,
  registers,
});
/** What a unit answered: the product code, the text block, the voltages (exception where undefined). */
const answers = (o: { code?: number; text?: string; volts?: number; scaled?: [number, number] }): ModbusIdentifyBlock[] => [
  block(3, 0xfc02, o.code === undefined ? undefined : [o.code]),
  block(3, 0x5000, o.text === undefined ? undefined : text(o.text, 8)),
  block(4, 0, o.volts === undefined ? undefined : encodeModbusValue(o.volts, 'float32')),
  block(3, 10, o.scaled === undefined ? undefined : [o.scaled[0] & 0xffff, 0, 0, 0, o.scaled[1] & 0xffff]),
];

describe('planModbusIdentify', () => {
  it('reads each identify register once (profiles asking the same function and address share a read), voltages of the others as the fallback', () => {
    expect(planModbusIdentify(ALL)).toEqual({
      identify: [
        { function: 3, address: 0xfc02, count: 1 },
        { function: 3, address: 0x5000, count: 8 },
      ],
      plausibility: [
        { function: 4, address: 0, count: 2 },
        { function: 3, address: 10, count: 5 },
      ],
    });
  });

  it('keeps the longest count where two profiles read the same register start', () => {
    const wide = profile('wide', { function: 3, registers: [volts], identify: { function: 3, address: 0x5000, registers: 16, textPrefix: 'ACME' } });
    expect(planModbusIdentify([TEXT, wide]).identify).toEqual([{ function: 3, address: 0x5000, count: 16 }]);
  });

  it('looks for the SunSpec marker at 40000, 0 and 50000 with two holding registers', () => {
    expect(SUNSPEC_MARKER_READS).toEqual([
      { function: 3, address: 40000, count: 2 },
      { function: 3, address: 0, count: 2 },
      { function: 3, address: 50000, count: 2 },
    ]);
  });
});

describe('judgeModbusIdentity', () => {
  it('names the profile whose product code the unit holds', () => {
    expect(judgeModbusIdentity(ALL, answers({ code: 0x71, volts: 230.1 }))).toEqual({
      kind: 'model',
      profile: 'code-a',
      evidence: 'holding register 64514 reads 113',
      also: [],
    });
    expect(judgeModbusIdentity(ALL, answers({ code: 0x20 }))).toMatchObject({ kind: 'model', profile: 'code-b' });
  });

  it('compares text case-insensitively with NULs and spaces trimmed at both ends', () => {
    expect(judgeModbusIdentity(ALL, answers({ text: '\0 acme em-3 \0' }))).toEqual({
      kind: 'model',
      profile: 'text-c',
      evidence: 'holding register 20480 reads "acme em-3"',
      also: [],
    });
    expect(judgeModbusIdentity([TEXT], answers({ text: 'ACM' }))).toEqual({ kind: 'unknown', evidence: 'holding register 20480 reads "ACM"' });
  });

  it('falls back to a mains voltage for profiles without identify, never for one whose code says otherwise', () => {
    expect(judgeModbusIdentity(ALL, answers({ code: 0x99, volts: 230.1 }))).toEqual({
      kind: 'like',
      profile: 'plain-d',
      evidence: 'input register 0 (1-0:32.7.0) reads 230.1 V',
      also: [],
    });
    // int16 2301 with scale register -1 → 230.1 V; both fallbacks match, the first in profile order wins
    expect(judgeModbusIdentity(ALL, answers({ volts: 229.5, scaled: [2301, -1] }))).toEqual({
      kind: 'like',
      profile: 'plain-d',
      evidence: 'input register 0 (1-0:32.7.0) reads 229.5 V',
      also: ['scaled-e'],
    });
    expect(judgeModbusIdentity(ALL, answers({ scaled: [2301, -1] }))).toMatchObject({ kind: 'like', profile: 'scaled-e', also: [] });
  });

  it('takes no voltage outside 80…300 V and says what it saw', () => {
    expect(judgeModbusIdentity(ALL, answers({ code: 0x99, volts: 12, scaled: [3500, -1] }))).toEqual({
      kind: 'unknown',
      evidence: 'holding register 64514 reads 153',
    });
    expect(judgeModbusIdentity([PLAIN], answers({ volts: 79.9 }))).toEqual({ kind: 'unknown', evidence: 'no identify register and no plausible voltage' });
    expect(judgeModbusIdentity([PLAIN], answers({ volts: 300 }))).toMatchObject({ kind: 'like', profile: 'plain-d' });
  });

  it('is unknown when every read answered an exception', () => {
    expect(judgeModbusIdentity(ALL, answers({}))).toEqual({ kind: 'unknown', evidence: 'no identify register and no plausible voltage' });
  });

  it('names every profile that claims the same code', () => {
    const twin = profile('twin', { function: 4, registers: [volts], identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x70] } });
    expect(judgeModbusIdentity([CODE_A, twin], answers({ code: 0x70 }))).toMatchObject({ kind: 'model', profile: 'code-a', also: ['twin'] });
  });
});

describe('SunSpec', () => {
  it('finds the marker in whichever base answered it', () => {
    const marker = [0x5375, 0x6e53];
    expect(sunSpecBaseOf([block(3, 40000, undefined), block(3, 0, marker), block(3, 50000, undefined)])).toBe(0);
    expect(sunSpecBaseOf([block(3, 40000, marker)])).toBe(40000);
    expect(sunSpecBaseOf([block(3, 40000, [0x5375, 0x6e54]), block(4, 0, marker)])).toBeUndefined();
  });

  it('names the device from model 1', () => {
    const common = { manufacturer: 'SolarEdge', model: 'SE7K', version: '4.7', serial: '7E16F37C' };
    expect(sunSpecIdentity(40000, [1, 103], common)).toEqual({
      kind: 'sunspec',
      profile: 'sunspec',
      evidence: 'SunS at 40000, models 1, 103: SolarEdge SE7K, serial 7E16F37C',
      common,
    });
    expect(sunSpecIdentity(0, [203], undefined)).toEqual({ kind: 'sunspec', profile: 'sunspec', evidence: 'SunS at 0, models 203', common: undefined });
  });
});
