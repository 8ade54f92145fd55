import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes, randomChunks, seededRandom } from '../common/testing';
import { crc16Modbus } from './crc';
import { decodeModbusValue } from './registers';
import { ModbusRtuFramer, decodeModbusRtu, encodeModbusRtu, modbusRtuSilenceMs, type ModbusAdu } from './rtu';
import type { FramerEvent } from '../common/framer';

const SPEC = JSON.parse(readFileSync(join(__dirname, '../../fixtures/modbus/spec-examples.json'), 'utf8')) as {
  rtu: Record<string, { hex: string; value?: number }>;
};
const rtu = (name: string): Uint8Array => hexBytes((SPEC.rtu[name] as { hex: string }).hex);
const REQUEST = rtu('sdm630VoltageL1Request');
const RESPONSE = rtu('sdm630VoltageL1Response');
const SDM = { kind: 'response', unitId: 1, function: 4 } as const;

const summary = (events: FramerEvent<ModbusAdu>[]): string[] =>
  events.map((e) => (e.ok ? `frame unit ${e.frame.unitId} ${Buffer.from(e.frame.pdu).toString('hex')}` : e.error.kind));

describe('Modbus RTU framing (Modbus over Serial Line V1.02)', () => {
  it('CRC-16/MODBUS has the catalogue check value 0x4B37 and gives the published C5 CD', () => {
    expect(crc16Modbus(new TextEncoder().encode('123456789'))).toBe(0x4b37);
    expect(encodeModbusRtu(1, Uint8Array.of(3, 0, 0, 0, 10))).toEqual(rtu('readHolding10'));
  });

  it('encodes the Eastron SDM630 read of 30001 and decodes its answer: 230.2 V', () => {
    expect(encodeModbusRtu(1, Uint8Array.of(4, 0, 0, 0, 2))).toEqual(REQUEST);
    const d = decodeModbusRtu(RESPONSE);
    expect(d.ok && [d.value.unitId, Array.from(d.value.pdu)]).toEqual([1, [4, 4, 0x43, 0x66, 0x33, 0x34]]);
    const v = decodeModbusValue([0x4366, 0x3334], 0, 'float32');
    expect(v.ok && Number(v.value.toPrecision(7))).toBe(SPEC.rtu.sdm630VoltageL1Response?.value);
  });

  it('rejects a flipped bit as bad-crc and short frames as truncated', () => {
    const bad = RESPONSE.slice();
    bad[4] = (bad[4] as number) ^ 0x01;
    expect(decodeModbusRtu(bad)).toMatchObject({ ok: false, error: { kind: 'bad-crc', offset: 7 } });
    expect(decodeModbusRtu(RESPONSE.subarray(0, 3))).toMatchObject({ ok: false, error: { kind: 'truncated' } });
  });

  it('finds the same response in any chunking, after garbage, and counts the garbage', () => {
    const stream = Uint8Array.of(0x00, 0xff, 0x07, ...RESPONSE);
    for (const seed of [1, 2, 3, 4, 5]) {
      const f = new ModbusRtuFramer(SDM);
      const events = randomChunks(stream, seededRandom(seed), 3).flatMap((c) => f.push(c));
      expect(summary(events)).toEqual(['frame unit 1 040443663334']);
      expect([f.discardedBytes, f.pendingBytes]).toEqual([3, 0]);
    }
  });

  it('reports an exception response as a 5-byte frame', () => {
    const f = new ModbusRtuFramer(SDM);
    expect(summary(f.push(encodeModbusRtu(1, Uint8Array.of(0x84, 0x02))))).toEqual(['frame unit 1 8402']);
  });

  it('after a bad CRC resumes one byte after its start and still finds the good frame behind it', () => {
    const bad = RESPONSE.slice();
    bad[5] = (bad[5] as number) ^ 0x80;
    const f = new ModbusRtuFramer(SDM);
    expect(summary(f.push(Uint8Array.of(...bad, ...RESPONSE)))).toEqual(['bad-crc', 'frame unit 1 040443663334']);
  });

  it('ignores answers of other units and bytes while nothing is expected', () => {
    const f = new ModbusRtuFramer(SDM);
    expect(summary(f.push(encodeModbusRtu(2, Uint8Array.of(4, 4, 0x43, 0x66, 0x33, 0x34))))).toEqual([]);
    f.expect({ kind: 'nothing' });
    expect(summary(f.push(RESPONSE))).toEqual([]);
    expect(f.pendingBytes).toBe(0);
  });

  it('reads requests on the server side and reports a cut-off frame on flush', () => {
    const f = new ModbusRtuFramer({ kind: 'request' });
    expect(summary(f.push(Uint8Array.of(...REQUEST, ...REQUEST.subarray(0, 5))))).toEqual(['frame unit 1 0400000002']);
    expect(f.pendingBytes).toBe(5);
    expect(summary(f.flush())).toEqual(['truncated']);
    expect(f.pendingBytes).toBe(0);
  });

  it('stays bounded: a byte count that overruns 256 bytes is too-long at once, not buffered', () => {
    const f = new ModbusRtuFramer(SDM);
    expect(summary(f.push(Uint8Array.of(1, 4, 255)))).toEqual(['too-long']);
    expect(f.pendingBytes).toBe(0);
    expect(summary(f.push(Uint8Array.of(1, 4, 251)))).toEqual([]);
    expect(f.pendingBytes).toBe(3);
  });

  it('t3.5 is 3.5 characters of 11 bits up to 19200 Bd and 1.75 ms above', () => {
    expect(modbusRtuSilenceMs(9600)).toBeCloseTo(4.0104, 3);
    expect(modbusRtuSilenceMs(19200)).toBeCloseTo(2.0052, 3);
    expect(modbusRtuSilenceMs(38400)).toBe(1.75);
  });
});
