import { decoderFor, describeSource, sourceSettings } from './options';
import { errorPayload, payloadBytes } from './payload';

describe('sourceSettings', () => {
  it('fills the serial defaults (115200 8N1) and reads numbers stored as strings', () => {
    expect(sourceSettings({ serialPath: ' /dev/ttyUSB0 ' })).toEqual({
      ok: true,
      value: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 115200, dataBits: 8, parity: 'none', stopBits: 1 },
    });
    const d0 = sourceSettings({ source: 'serial', serialPath: '/dev/ttyAMA0', baudRate: '9600', dataBits: '7', parity: 'even', stopBits: '1' });
    expect(d0).toEqual({ ok: true, value: { kind: 'serial', path: '/dev/ttyAMA0', baudRate: 9600, dataBits: 7, parity: 'even', stopBits: 1 } });
    expect(d0.ok && describeSource(d0.value)).toBe('/dev/ttyAMA0 9600 7E1');
  });

  it('names the field that is wrong', () => {
    expect(sourceSettings({ serialPath: '' })).toEqual({ ok: false, error: 'serial port: a device path is required (e.g. /dev/ttyUSB0)' });
    expect(sourceSettings({ serialPath: '/dev/x', baudRate: '9600.5' })).toEqual({ ok: false, error: "baud rate: '9600.5' is not a line speed" });
    expect(sourceSettings({ serialPath: '/dev/x', dataBits: 6 })).toEqual({ ok: false, error: 'data bits: 7 or 8' });
    expect(sourceSettings({ serialPath: '/dev/x', parity: 'mark' })).toEqual({ ok: false, error: 'parity: none, even or odd' });
    expect(sourceSettings({ serialPath: '/dev/x', stopBits: '1.5' })).toEqual({ ok: false, error: 'stop bits: 1 or 2' });
    expect(sourceSettings({ source: 'udp' })).toEqual({ ok: false, error: "source: 'udp' is neither serial nor tcp" });
  });

  it('reads a TCP bridge and checks its port', () => {
    const t = sourceSettings({ source: 'tcp', host: 'p1-dongle.local', port: '23' });
    expect(t).toEqual({ ok: true, value: { kind: 'tcp', host: 'p1-dongle.local', port: 23 } });
    expect(t.ok && describeSource(t.value)).toBe('p1-dongle.local:23');
    expect(sourceSettings({ source: 'tcp', host: '', port: 23 })).toEqual({ ok: false, error: 'TCP bridge: a host is required' });
    expect(sourceSettings({ source: 'tcp', host: 'h', port: '70000' })).toEqual({ ok: false, error: "TCP port: '70000' is not 1–65535" });
    expect(sourceSettings({ source: 'tcp', host: 'h' })).toEqual({ ok: false, error: "TCP port: 'undefined' is not 1–65535" });
  });
});

describe('decoderFor', () => {
  it('defaults to auto and builds each protocol', () => {
    const auto = decoderFor({}, undefined);
    expect(auto.ok && auto.value.protocol).toBe('auto');
    for (const p of ['dsmr', 'iec62056-21', 'sml', 'dlms', 'mbus'] as const) {
      const d = decoderFor({ protocol: p }, { key: '', authKey: '' });
      expect([p, d.ok && d.value.protocol]).toEqual([p, p]);
    }
  });

  it('rejects an unknown protocol and a malformed key by field name, without echoing the key', () => {
    expect(decoderFor({ protocol: 'modbus' }, undefined)).toEqual({
      ok: false,
      error: "unknown protocol 'modbus' (choose one of auto, dsmr, iec62056-21, sml, dlms, mbus)",
    });
    const bad = decoderFor({ protocol: 'dsmr' }, { key: 'secret-not-hex' });
    expect(bad.ok).toBe(false);
    const text = bad.ok ? '' : bad.error;
    expect(text).toMatch(/^key: /);
    expect(text).not.toContain('secret');
    const badAuth = decoderFor({ protocol: 'dlms' }, { key: '101112131415161718191A1B1C1D1E1F', authKey: 'zz' });
    expect(badAuth.ok ? '' : badAuth.error).toMatch(/^authentication key: /);
  });
});

describe('payloadBytes', () => {
  it('takes Buffers as they are, hex strings as hex and meter text as latin1', () => {
    const b = Buffer.from([0x7e, 0xa0]);
    expect(payloadBytes(b, 'hex')).toEqual({ ok: true, value: b });
    expect(payloadBytes('7E A0:0x1b', 'hex')).toEqual({ ok: true, value: Uint8Array.from([0x7e, 0xa0, 0x1b]) });
    expect(payloadBytes('/ISk5\r\n', 'text')).toEqual({ ok: true, value: Buffer.from('/ISk5\r\n', 'latin1') });
  });

  it('refuses odd hex, text in hex mode and other types', () => {
    expect(payloadBytes('7E A', 'hex').ok).toBe(false);
    expect(payloadBytes('/ISk5', 'hex')).toEqual({ ok: false, error: 'msg.payload is not hex text (set "Strings are" to "meter text" for DSMR or D0 lines)' });
    expect(payloadBytes({ a: 1 }, 'hex')).toEqual({ ok: false, error: 'msg.payload must be a Buffer or a string, not object' });
    expect(payloadBytes([1, 2], 'hex')).toEqual({ ok: false, error: 'msg.payload must be a Buffer or a string, not array' });
  });
});

it('renders a rejected frame as smi decode does (offset only when known)', () => {
  expect(errorPayload({ kind: 'bad-crc', layer: 'dsmr', message: 'm' })).toEqual({ error: 'bad-crc', layer: 'dsmr', message: 'm' });
  expect(JSON.stringify(errorPayload({ kind: 'truncated', layer: 'sml-file', message: 'm', offset: 7 }))).toBe(
    '{"error":"truncated","layer":"sml-file","offset":7,"message":"m"}',
  );
});
