import { encodeModbusTcp, decodeModbusTcp, ModbusTcpFramer } from './tcp';

// Modbus Messaging on TCP/IP Implementation Guide V1.0b §3.1.3: MBAP = transaction id, protocol id 0,
// length (unit id + PDU), unit id. The PDU is the §6.4 example "read input register 9".
const REQUEST = Uint8Array.of(0x00, 0x2a, 0x00, 0x00, 0x00, 0x06, 0x11, 0x04, 0x00, 0x08, 0x00, 0x01);
const RESPONSE = Uint8Array.of(0x00, 0x2a, 0x00, 0x00, 0x00, 0x05, 0x11, 0x04, 0x02, 0x00, 0x0a);

describe('Modbus TCP framing (MBAP header)', () => {
  it('encodes transaction id, protocol 0, length and unit before the PDU', () => {
    expect(encodeModbusTcp(42, 0x11, Uint8Array.of(4, 0, 8, 0, 1))).toEqual(REQUEST);
    expect(decodeModbusTcp(RESPONSE)).toEqual({ ok: true, value: { transactionId: 42, unitId: 0x11, pdu: Uint8Array.of(4, 2, 0, 10), bytes: RESPONSE } });
  });

  it('rejects a wrong protocol id and a length that disagrees with the bytes', () => {
    const other = RESPONSE.slice();
    other[3] = 1;
    expect(decodeModbusTcp(other)).toMatchObject({ ok: false, error: { kind: 'bad-format', offset: 2 } });
    expect(decodeModbusTcp(RESPONSE.subarray(0, 10))).toMatchObject({ ok: false, error: { kind: 'bad-length' } });
  });

  it('cuts back-to-back frames split at every byte', () => {
    const f = new ModbusTcpFramer();
    const stream = Uint8Array.of(...REQUEST, ...RESPONSE);
    const ids = Array.from(stream)
      .flatMap((b) => f.push(Uint8Array.of(b)))
      .map((e) => (e.ok ? e.frame.pdu.length : e.error.kind));
    expect(ids).toEqual([5, 4]);
    expect(f.pendingBytes).toBe(0);
  });

  it('reports garbage once, drops it byte by byte and resynchronises on the next plausible header', () => {
    const f = new ModbusTcpFramer();
    const events = f.push(Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, ...RESPONSE));
    expect(events.map((e) => (e.ok ? `tid ${e.frame.transactionId}` : e.error.kind))).toEqual(['bad-format', 'tid 42']);
    expect(f.discardedBytes).toBe(6);
  });

  it('reports a cut-off frame on flush', () => {
    const f = new ModbusTcpFramer();
    expect(f.push(RESPONSE.subarray(0, 8))).toEqual([]);
    expect(f.flush().map((e) => (e.ok ? 'frame' : e.error.kind))).toEqual(['truncated']);
    expect(f.pendingBytes).toBe(0);
  });
});
