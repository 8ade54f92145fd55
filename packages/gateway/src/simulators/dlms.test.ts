import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDecoder, hexToBytes, type FrameEvent } from '@smi/decoder';
import { DLMS_RECORDINGS, dlmsSimulator } from './dlms';

const E570 = hexToBytes(readFileSync(join(__dirname, '../../../decoder/fixtures/dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data.hex'), 'latin1')) as Uint8Array;
const E570_KEY = '101112131415161718191A1B1C1D1E1F';
const EVN_KEY = '36C66639E48A8CA4D6BC8B282A793BBB';

function decode(bytes: readonly Uint8Array[], key: string): FrameEvent[] {
  const d = createDecoder('dlms', { key });
  if (!d.ok) throw new Error(d.error);
  return bytes.flatMap((b) => d.value.push(b)); // one stream: the replay check sees every push
}
const kinds = (events: FrameEvent[]): string[] => events.map((e) => (e.ok ? 'ok' : e.error.kind));
const value = (e: FrameEvent | undefined, key: string): unknown => (e?.ok ? e.snapshot.readings.find((r) => r.key === key)?.value : undefined);

describe('dlms simulator', () => {
  it('pushes the L+G E570 recording byte for byte first, then the same push with the next invocation counters', () => {
    const sim = dlmsSimulator({ settings: {} });
    expect(sim.line).toEqual(DLMS_RECORDINGS['lg-e570']?.line);
    const pushes = [1, 2, 3].map(() => sim.push?.() as Uint8Array);
    expect(Buffer.from(pushes[0] as Uint8Array).equals(Buffer.from(E570))).toBe(true);
    expect(Buffer.from(pushes[1] as Uint8Array).equals(Buffer.from(E570))).toBe(false);
    expect((pushes[1] as Uint8Array).length).toBe(E570.length);
    const events = decode(pushes, E570_KEY);
    expect(kinds(events)).toEqual(['ok', 'ok', 'ok']); // never `replayed`
    for (const e of events) {
      expect(e.ok && e.snapshot.meter.id).toBe('LGZ1030769231253');
      expect(value(e, 'energy_import_total')).toBe(862.055);
      expect(value(e, 'energy_export_total')).toBe(641.361);
    }
  });

  it('pushes the EVN Kaifa MA309 over M-Bus frames (decodable again and again)', () => {
    const sim = dlmsSimulator({ settings: { frame: 'evn-kaifa-ma309' } });
    const events = decode(
      [1, 2, 3].map(() => sim.push?.() as Uint8Array),
      EVN_KEY,
    );
    expect(kinds(events)).toEqual(['ok', 'ok', 'ok']);
    expect(events.map((e) => value(e, 'energy_import_total'))).toEqual([12.937, 12.937, 12.937]);
    expect(value(events[2], 'voltage_l1')).toBe(233.7);
    expect(events[0]?.ok && events[0].snapshot.meter.id).toBe('181220000009');
  });

  it('encrypts with a key from the settings; the published key then fails (no tag: decrypt-failed)', () => {
    const key = '00112233445566778899AABBCCDDEEFF';
    const push = dlmsSimulator({ settings: { key } }).push?.() as Uint8Array;
    expect(kinds(decode([push], key))).toEqual(['ok']);
    expect(kinds(decode([push], E570_KEY))).toEqual(['decrypt-failed']);
  });

  it('replays the recording unchanged with replay=true (the gateway refuses the repeat)', () => {
    const sim = dlmsSimulator({ settings: { replay: 'true' } });
    expect(kinds(decode([sim.push?.() as Uint8Array, sim.push?.() as Uint8Array], E570_KEY))).toEqual(['ok', 'replayed']);
  });

  it.each([[{ frame: 'nope' }], [{ key: '12' }]])('refuses bad settings %j', (settings) => {
    expect(() => dlmsSimulator({ settings })).toThrow();
  });
});
