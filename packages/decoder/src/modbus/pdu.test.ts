import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexBytes } from '../common/testing';
import { createDecoder } from '../factory';
import { buildModbusExceptionPdu, buildModbusReadPdu, buildModbusReadResponsePdu, parseModbusReadPdu, parseModbusReadResponsePdu } from './pdu';

/** The specification examples of `fixtures/modbus/spec-examples.json`. */
interface Example {
  readonly source: string;
  readonly hex: string;
  readonly registers?: readonly number[];
  readonly value?: number;
}
interface Examples {
  readonly pdu: Readonly<Record<'readHoldingRequest' | 'readHoldingResponse' | 'readInputRequest' | 'readInputResponse' | 'exceptionResponse', Example>>;
  readonly rtu: Readonly<Record<'readHolding10' | 'sdm630VoltageL1Request' | 'sdm630VoltageL1Response', Example>>;
}

const SPEC = JSON.parse(readFileSync(join(__dirname, '../../fixtures/modbus/spec-examples.json'), 'utf8')) as Examples;
const bytesOf = (e: Example): Uint8Array => hexBytes(e.hex);

const kindOf = (r: { ok: boolean; error?: { kind: string } }): string | undefined => r.error?.kind;

describe('Modbus PDUs (Modbus Application Protocol V1.1b3 examples)', () => {
  it('builds the §6.3 and §6.4 read requests byte for byte', () => {
    expect(buildModbusReadPdu(3, 107, 3)).toEqual({ ok: true, value: bytesOf(SPEC.pdu.readHoldingRequest) });
    expect(buildModbusReadPdu(4, 8, 1)).toEqual({ ok: true, value: bytesOf(SPEC.pdu.readInputRequest) });
  });

  it('parses the §6.3 and §6.4 responses into their registers', () => {
    expect(parseModbusReadResponsePdu(bytesOf(SPEC.pdu.readHoldingResponse), 3, 3)).toEqual({ ok: true, value: Uint16Array.of(555, 0, 100) });
    expect(parseModbusReadResponsePdu(bytesOf(SPEC.pdu.readInputResponse), 4, 1)).toEqual({ ok: true, value: Uint16Array.of(10) });
  });

  it('builds the responses a server sends (simulator side), the inverse of parsing', () => {
    expect(buildModbusReadResponsePdu(3, [555, 0, 100])).toEqual(bytesOf(SPEC.pdu.readHoldingResponse));
    expect(parseModbusReadPdu(bytesOf(SPEC.pdu.readHoldingRequest))).toEqual({ ok: true, value: { function: 3, address: 107, count: 3 } });
    expect(buildModbusExceptionPdu(1, 2)).toEqual(bytesOf(SPEC.pdu.exceptionResponse));
  });

  it('turns exception responses into error values with the exception named', () => {
    const r = parseModbusReadResponsePdu(Uint8Array.of(0x84, 0x02), 4, 2);
    expect(r).toEqual({ ok: false, error: { kind: 'unsupported', layer: 'modbus-exception', message: 'exception 2 (ILLEGAL DATA ADDRESS) to function 4' } });
    const kinds = [1, 2, 3, 4, 6, 11].map((code) => kindOf(parseModbusReadResponsePdu(Uint8Array.of(0x83, code), 3, 1)));
    expect(kinds).toEqual(['unsupported', 'unsupported', 'bad-value', 'bad-value', 'bad-value', 'truncated']);
  });

  it('rejects responses that do not fit the request', () => {
    expect(kindOf(parseModbusReadResponsePdu(bytesOf(SPEC.pdu.readHoldingResponse), 4, 3))).toBe('bad-format');
    expect(kindOf(parseModbusReadResponsePdu(bytesOf(SPEC.pdu.readHoldingResponse), 3, 2))).toBe('bad-length');
    expect(kindOf(parseModbusReadResponsePdu(Uint8Array.of(3, 6, 2, 0x2b), 3, 3))).toBe('bad-length');
    expect(kindOf(parseModbusReadResponsePdu(Uint8Array.of(3), 3, 3))).toBe('truncated');
  });

  it('refuses requests outside the protocol limits', () => {
    expect(kindOf(buildModbusReadPdu(4, 0, 126))).toBe('bad-value');
    expect(kindOf(buildModbusReadPdu(4, 0, 0))).toBe('bad-value');
    expect(kindOf(buildModbusReadPdu(4, 65535, 2))).toBe('bad-value');
    expect(kindOf(parseModbusReadPdu(Uint8Array.of(6, 0, 1, 0, 3)))).toBe('unsupported');
  });
});

describe('createDecoder for modbus', () => {
  it('explains that Modbus is polled instead of offering a passive decoder', () => {
    const r = createDecoder('modbus');
    expect(r.ok ? 'decoder' : r.error).toMatch(/^protocol 'modbus' is polled, not decoded from a byte stream/);
  });
});
