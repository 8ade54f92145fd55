import { ReadoutInterpreter } from './interpreter';
import { ReadingFactory } from './readings';

// Data lines of the EMH eHZ push and the Itron EM214 readout fixtures
// (packages/decoder/fixtures/d0/smartmeter-obis-emh-ehz-d0.txt, smartmeter-obis-itron-em214.txt).
const EMH = ['1-0:0.0.0*255(331200-5009810)', '1-0:1.8.1*255(032942.0263)', '1-0:96.5.5*255(80)', '0-0:96.1.255*255(0000680476)'];
const ITRON = ['0.0.0(1240007670003202)', '1.7.0(00.01*kW)', '1.8.1(022111.4*kWh)', '1.8.2(000005.0*kWh)'];

const block = (lines: readonly string[]): string => lines.map((l) => `${l}\r\n`).join('');

/** The same block read by a fresh interpreter: no previous block, every line parsed in full. */
const fresh = (text: string) => new ReadoutInterpreter(new ReadingFactory(1)).interpret(text);

/** Reads `blocks` in turn with one interpreter; every result must equal the full parse of its block. */
function readInTurn(blocks: readonly (readonly string[])[]) {
  const interpreter = new ReadoutInterpreter(new ReadingFactory(1));
  return blocks.map((lines) => {
    const text = block(lines);
    const got = interpreter.interpret(text);
    expect(got).toEqual(fresh(text));
    return got;
  });
}

const withLine = (lines: readonly string[], k: number, line: string): string[] => lines.map((l, i) => (i === k ? line : l));

describe('D0 lines read through the shape of the previous readout', () => {
  it('reads a changed number as the full parse does', () => {
    const [, second, third] = readInTurn([EMH, withLine(EMH, 1, '1-0:1.8.1*255(032942.0264)'), withLine(EMH, 1, '1-0:1.8.1*255(032943.5)')]);
    expect(second?.readings.find((r) => r.obis === '1-0:1.8.1')?.value).toBe(32942.0264);
    expect(third?.readings.find((r) => r.obis === '1-0:1.8.1')?.value).toBe(32943.5);
    expect(third?.sets[1]).toEqual({ address: '1-0:1.8.1*255', values: ['032943.5'], line: 1, text: '1-0:1.8.1*255(032943.5)' });
  });

  it('converts a number with a unit as the full parse does (kW → W)', () => {
    const [, second] = readInTurn([ITRON, withLine(withLine(ITRON, 1, '1.7.0(01.27*kW)'), 2, '1.8.1(022111.9*kWh)')]);
    const power = second?.readings.find((r) => r.obis === '1-0:1.7.0');
    expect(power).toMatchObject({ value: 1270, unit: 'W', raw: '01.27*kW' });
    expect(second?.readings.find((r) => r.obis === '1-0:1.8.1')).toMatchObject({ value: 22111.9, unit: 'kWh', raw: '022111.9*kWh' });
    expect(Object.isFrozen(power)).toBe(true);
  });

  it('falls back to the full parse when more than the number changed', () => {
    readInTurn([
      ITRON,
      withLine(ITRON, 1, '1.7.0(00.02*W)'), // another unit
      withLine(ITRON, 1, '1.7.0(---*kW)'), // no number
      withLine(ITRON, 1, '1.7.0( 00.03*kW)'), // white space
      withLine(ITRON, 1, '1.7.0(*kW)'), // empty value
      withLine(ITRON, 1, '1.7.0(-00.04*kW)'), // sign
      withLine(ITRON, 1, '1.7.0(00.05&1*kW)'), // sub-values
      withLine(ITRON, 1, '1.7.0(00.05*k&W)'), // sub-values in the unit, twice
      withLine(ITRON, 1, '1.7.0(00.06*k&W)'),
      withLine(ITRON, 1, '1.7.0(00.06*kW)(00.07)'), // a second bracket
      withLine(ITRON, 1, '1.7.0(00.0\u00018*kW)'), // control character
      withLine(ITRON, 1, '1.7.0(..*kW)'), // digits missing
      ITRON,
    ]);
  });

  it('reads the meter id anew when its value changes (facts are never taken over)', () => {
    const [first, second] = readInTurn([ITRON, withLine(ITRON, 0, '0.0.0(1240007670003203)')]);
    expect(first?.facts.id).toBe('1240007670003202');
    expect(second?.facts.id).toBe('1240007670003203');
    // a clock with a unit: its number could be read through a shape, its fact not
    const clocked = [...ITRON, '0.9.1(120000*s)'];
    const [, later] = readInTurn([clocked, withLine(clocked, 4, '0.9.1(120001*s)')]);
    expect(later?.facts.clockTime).toBe('120001*s');
  });

  it('places the readings of shaped lines among those of a load profile', () => {
    // profile lines as in parsing.test.ts; the register lines around them change their number
    const profile = ['1.8.1(000001.0*kWh)', 'P.01(1170301001500)(00)(15)(2)(1.5.0)(kW)(2.5.0)(kW)', '(0.123)(0.000)', '(0.456)(0.010)', '1.8.2(000002.0*kWh)'];
    const [, second] = readInTurn([profile, withLine(withLine(profile, 0, '1.8.1(000001.5*kWh)'), 4, '1.8.2(000002.5*kWh)')]);
    expect(second?.readings.map((r) => r.obis)).toEqual(['1-0:1.8.1', '1-0:1.5.0', '1-0:2.5.0', '1-0:1.8.2']);
    expect(second?.readings.map((r) => r.value)).toEqual([1.5, 456, 10, 2.5]);
  });

  it('keeps the places of sets and readings through a run of patched readouts', () => {
    // each block is the one before with two numbers changed: patched from a patched block, in turn
    const profile = ['1.8.1(000001.0*kWh)', 'P.01(1170301001500)(00)(15)(2)(1.5.0)(kW)(2.5.0)(kW)', '(0.123)(0.000)', '(0.456)(0.010)', '1.8.2(000002.0*kWh)'];
    const blocks = [1, 2, 3, 4].map((n) => withLine(withLine(profile, 0, `1.8.1(00000${n}.5*kWh)`), 4, `1.8.2(00000${n}.7*kWh)`));
    const results = readInTurn([profile, ...blocks]);
    expect(results.map((r) => [r.readings[0]?.value, r.readings[3]?.value])).toEqual([
      [1, 2],
      [1.5, 1.7],
      [2.5, 2.7],
      [3.5, 3.7],
      [4.5, 4.7],
    ]);
    expect(results[4]?.sets.map((s) => s.values[0])).toEqual(['000004.5*kWh', '1170301001500', '0.123', '0.456', '000004.7*kWh']);
  });

  it('finds a changed line inside lines that were unchanged the readout before (compared in groups)', () => {
    const long = [...ITRON, ...Array.from({ length: 20 }, (_, i) => `1.8.${i + 3}(00000${i}.0*kWh)`)];
    const blocks = [long, long, withLine(long, 2, '1.8.1(022111.5*kWh)'), withLine(long, 17, '1.8.16(0000013.5*kWh)')];
    const results = readInTurn([...blocks, withLine(blocks[3] as string[], 22, '1.8.21(0000017.0*kWh)'), long]);
    expect(results[3]?.readings.find((r) => r.obis === '1-0:1.8.16')?.value).toBe(13.5);
    expect(results[4]?.readings.find((r) => r.obis === '1-0:1.8.21')?.value).toBe(17);
    expect(results[5]?.readings.find((r) => r.obis === '1-0:1.8.21')?.value).toBe(18);
  });

  it('keeps keys unique when a shaped line repeats a code', () => {
    const twice = [...ITRON, '1.8.1(000001.0*kWh)'];
    const [, second] = readInTurn([twice, withLine(twice, 4, '1.8.1(000002.0*kWh)')]);
    expect(second?.readings.filter((r) => r.obis === '1-0:1.8.1').map((r) => [r.key, r.value])).toEqual([
      ['energy_import_tariff_1', 22111.4],
      ['energy_import_tariff_1_2', 2],
    ]);
  });
});
