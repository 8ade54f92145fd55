import { createDecoder, type FrameEvent } from '@smi/decoder';
import { ENCRYPTED_P1_DEMO_KEY, encryptedP1Simulator } from './encrypted-p1';

function decode(bytes: readonly Uint8Array[], options: { key?: string; authKey?: string }): FrameEvent[] {
  const d = createDecoder('dsmr', options);
  if (!d.ok) throw new Error(d.error);
  return bytes.flatMap((b) => d.value.push(b));
}

describe('encrypted-p1 simulator', () => {
  it('sends the real Sagemcom T210-D-r telegram in the Smarty envelope, counter going up', () => {
    const sim = encryptedP1Simulator({ settings: {} });
    const a = sim.push?.() as Uint8Array;
    const b = sim.push?.() as Uint8Array;
    expect([a[0], a[1], a[10], a[13]]).toEqual([0xdb, 0x08, 0x82, 0x30]); // DB 08 · title · 82 LLLL · SC 30
    expect(Buffer.from(a.subarray(14, 18)).toString('hex')).toBe('10000001');
    expect(Buffer.from(b.subarray(14, 18)).toString('hex')).toBe('10000002');
    const events = decode([a, b], { key: ENCRYPTED_P1_DEMO_KEY });
    expect(events.every((e) => e.ok)).toBe(true);
    const s = events[1];
    expect(s?.ok && s.snapshot.readings.find((r) => r.key === 'energy_import_total')?.value).toBe(6545.766);
    expect(s?.ok && s.snapshot.meter.id).toBe('EST-53710000_A');
  });

  it('uses the key and AAD key from the settings; other keys are refused by kind', () => {
    const key = 'AA BB CC DD EE FF 00 11 22 33 44 55 66 77 88 99';
    const authKey = '0F0E0D0C0B0A09080706050403020100';
    const env = encryptedP1Simulator({ settings: { key, authKey } }).push?.() as Uint8Array;
    expect(decode([env], { key, authKey }).map((e) => e.ok)).toEqual([true]);
    expect(decode([env], { key }).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['auth-failed']);
    expect(decode([env], { key: ENCRYPTED_P1_DEMO_KEY, authKey }).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['auth-failed']);
    expect(decode([env], {}).map((e) => (e.ok ? 'ok' : e.error.kind))).toEqual(['missing-key']);
  });

  it.each([[{ key: '0011' }], [{ authKey: 'zz' }], [{ systemTitle: '123' }], [{ recording: 'no-such-telegram' }]])('refuses bad settings %j', (settings) => {
    expect(() => encryptedP1Simulator({ settings })).toThrow();
  });
});
