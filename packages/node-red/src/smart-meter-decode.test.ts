import { createDecoder } from '@smi/decoder';
import type { MeterSnapshot } from '@smi/model';
import type { ErrorPayload } from './payload';
import { registerSmartMeterDecode } from './smart-meter-decode';
import { collect, fixtureBytes, fixtureExpected, helper, nodeOf, readingOf, until } from './testing';

/** A decode node wired to two helper nodes: `ok` (frames) and `err` (rejected frames). */
function flow(config: Record<string, unknown>): object[] {
  return [
    { id: 'd', type: 'smart-meter-decode', name: 'decode', ...config, wires: [['ok'], ['err']] },
    { id: 'ok', type: 'helper' },
    { id: 'err', type: 'helper' },
  ];
}

const KAIFA = 'dsmr/v4_2-kaifa.txt';
const E570 = 'dlms-hdlc-cii/scs-lg_e570-encrypted-valid-data.hex';
const E570_KEY = '101112131415161718191A1B1C1D1E1F';

beforeAll(() => helper.startServer());
afterAll(() => helper.stopServer());
afterEach(() => helper.unload());

/** Every kWh register the fixture's source asserts, checked against the snapshot. */
function expectKaifaValues(snapshot: MeterSnapshot): void {
  const expected = fixtureExpected(KAIFA);
  const energy = Object.entries(expected).filter(([, e]) => e.unit === 'kWh');
  expect(energy.length).toBe(4);
  for (const [obis, e] of energy) expect([obis, readingOf(snapshot, obis).value]).toEqual([obis, Number(e.value)]);
  expect(snapshot.meter.id).toBe(expected['0-0:96.1.1']?.value);
  expect(readingOf(snapshot, '1-0:1.7.0')).toMatchObject({ value: 2027, unit: 'W' });
}

it('decodes a DSMR telegram in one Buffer into the smi decode JSON', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dsmr' }));
  const ok = collect('ok');
  nodeOf('d').receive({ payload: fixtureBytes(KAIFA), topic: 'p1', extra: 42 });
  await until(() => ok.length === 1, 5000, 'frame');
  const msg = ok[0]!;
  expectKaifaValues(msg.payload as MeterSnapshot);
  expect(msg.topic).toBe('3960221976967177082151037881335713');
  // Other properties of the input message travel with the frame.
  expect(msg['extra']).toBe(42);
  // The payload is the line `smi decode` prints (JSON.stringify of the decoder's snapshot).
  const direct = createDecoder('dsmr');
  const events = direct.ok ? direct.value.push(fixtureBytes(KAIFA)) : [];
  expect(events.length).toBe(1);
  expect(JSON.stringify(msg.payload)).toBe(JSON.stringify(events[0]?.ok && events[0].snapshot));
});

it('decodes a telegram split over three hex-string messages once its last part arrives', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'auto' }));
  const ok = collect('ok');
  const err = collect('err');
  const hex = fixtureBytes(KAIFA).toString('hex');
  const cuts = [0, 100, 516, hex.length]; // whole bytes per message, cut inside lines
  for (let i = 0; i < 3; i++) nodeOf('d').receive({ payload: hex.slice(cuts[i], cuts[i + 1]) });
  await until(() => ok.length === 1, 5000, 'frame');
  expect(err).toEqual([]);
  expect(ok.length).toBe(1);
  expectKaifaValues(ok[0]!.payload as MeterSnapshot);
});

it('reads meter text line by line when strings are "text"', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dsmr', strings: 'text' }));
  const ok = collect('ok');
  const lines = fixtureBytes(KAIFA)
    .toString('latin1')
    .split(/(?<=\n)/);
  expect(lines.length).toBeGreaterThan(20);
  for (const line of lines) nodeOf('d').receive({ payload: line });
  await until(() => ok.length === 1, 5000, 'frame');
  expectKaifaValues(ok[0]!.payload as MeterSnapshot);
});

it('decodes an SML file from hex to the values its source asserts', async () => {
  const file = 'sml/smartmeter-obis-emh-ehz.hex';
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'sml' }));
  const ok = collect('ok');
  nodeOf('d').receive({ payload: fixtureBytes(file) });
  await until(() => ok.length === 1, 5000, 'frame');
  const snapshot = ok[0]!.payload as MeterSnapshot;
  const expected = fixtureExpected(file);
  expect(Object.keys(expected).length).toBe(2);
  for (const [obis, e] of Object.entries(expected)) expect(readingOf(snapshot, obis).value).toBe(e.value);
  expect(readingOf(snapshot, '1-0:1.8.1').unit).toBe('kWh');
});

it('sends a corrupted telegram to the second output with kind bad-crc', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dsmr' }));
  const ok = collect('ok');
  const err = collect('err');
  const text = fixtureBytes(KAIFA).toString('latin1').replace('1-0:1.8.1(001581.123', '1-0:1.8.1(001581.124');
  nodeOf('d').receive({ payload: Buffer.from(text, 'latin1') });
  await until(() => err.length === 1, 5000, 'error message');
  expect(ok).toEqual([]);
  const payload = err[0]!.payload as ErrorPayload;
  expect(payload).toMatchObject({ error: 'bad-crc', layer: 'dsmr' });
  expect(err[0]!.topic).toBe('bad-crc');
});

it('takes the decryption key from the credentials', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dlms' }), { d: { key: E570_KEY } });
  const ok = collect('ok');
  const err = collect('err');
  nodeOf('d').receive({ payload: fixtureBytes(E570) });
  await until(() => ok.length === 1, 5000, 'frame');
  expect(err).toEqual([]);
  expect((ok[0]!.payload as MeterSnapshot).meter.id).toBe(Object.values(fixtureExpected(E570))[0]?.value);
});

it('without the key the same frame is rejected as missing-key', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dlms' }));
  const ok = collect('ok');
  const err = collect('err');
  nodeOf('d').receive({ payload: fixtureBytes(E570) });
  await until(() => err.length >= 1, 5000, 'error message');
  expect(ok).toEqual([]);
  expect((err[0]!.payload as ErrorPayload).error).toBe('missing-key');
});

it('reports a payload that is neither bytes nor hex as a node error (catchable), sending nothing', async () => {
  await helper.load(registerSmartMeterDecode, flow({ protocol: 'dsmr' }));
  const ok = collect('ok');
  const errors: unknown[] = [];
  nodeOf('d').on('call:error', (call) => errors.push(call.args[0]));
  nodeOf('d').receive({ payload: 'not hex at all' });
  nodeOf('d').receive({ payload: 12 });
  await until(() => errors.length === 2, 5000, 'node errors');
  expect(String(errors[0])).toMatch(/not hex text/);
  expect(String(errors[1])).toMatch(/not number/);
  expect(ok).toEqual([]);
});
