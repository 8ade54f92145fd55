import { BUILTIN_MODBUS_PROFILES, EASTRON_SDM630, encodeModbusRtu, ModbusRtuFramer, type ModbusMeterProfile } from '@smi/decoder';
import { parse } from 'yaml';
import { validateConfig } from '../config/load';
import { silentLogger } from '../log';
import { ModbusBus, profileSlave, runModbusTcpServer, sunSpecInverterSlave, type ModbusServerSide } from '../simulators/modbus';
import type { LineOpener } from './detect';
import { formatLine, parseLine, sameLine, type LineSetting } from './line-settings';
import { detectModbus, formatUnits, MODBUS_DETECT_LINES, modbusAnswerTimeoutMs, parseUnits } from './modbus-detect';
import { modbusDetectionYaml } from './modbus-yaml';
import { tcpOpener } from './serial-line';

/**
 * Profiles made for these tests (not real models): the SDM630 register list with a product-code
 * register the simulator fills with the first value, and the same list without one (recognised
 * by its voltage only).
 */
const CODED: ModbusMeterProfile = {
  ...EASTRON_SDM630,
  id: 'test-coded',
  meter: { model: 'Test Coded' },
  modbus: { function: 4, registers: EASTRON_SDM630.modbus.registers, identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x70] } },
};
const PLAIN: ModbusMeterProfile = {
  ...EASTRON_SDM630,
  id: 'test-plain',
  meter: { model: 'Test Plain' },
  modbus: { function: 4, registers: EASTRON_SDM630.modbus.registers },
};
const OTHER: ModbusMeterProfile = {
  ...CODED,
  id: 'test-other',
  modbus: { ...CODED.modbus, identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x20] } },
};
const PROFILES = [OTHER, CODED, PLAIN];
const L = (t: string): LineSetting => parseLine(t) as LineSetting;

/** An RS-485 line in memory: the devices answer (5 ms later) only when the master uses their setting; `any`: a pty. */
function rtuLine(server: ModbusServerSide, setting: LineSetting | 'any', opened: string[] = []): LineOpener {
  return async (step, onData) => {
    opened.push(formatLine(step.line));
    const works = setting === 'any' || (step.line !== undefined && sameLine(step.line, setting));
    return {
      write: async (bytes) => {
        const f = new ModbusRtuFramer({ kind: 'request' }).push(bytes)[0];
        const pdu = works && f?.ok ? server.answer(f.frame.unitId, f.frame.pdu) : undefined;
        if (f?.ok && pdu) setTimeout(() => onData(encodeModbusRtu(f.frame.unitId, pdu)), 5);
      },
      setBaudRate: undefined,
      close: async () => undefined,
    };
  };
}

describe('unit ids and timeouts', () => {
  it('parses ranges and lists, each id once, and refuses 0, 248 and reversed ranges', () => {
    expect(parseUnits('1-4,7, 2')).toEqual([1, 2, 3, 4, 7]);
    expect(parseUnits('247')).toEqual([247]);
    expect(parseUnits('1-247')).toHaveLength(247);
    expect([parseUnits('0-3'), parseUnits('1-248'), parseUnits('5-2'), parseUnits('a'), parseUnits('')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(formatUnits([7, 1, 2, 3, 5, 6, 9, 10])).toBe('1-3, 5-7, 9, 10');
  });

  it('waits the transfer time of request and answer (11 bits a character) plus the reaction time', () => {
    // 8 + 5 + 2·2 bytes at 9600 Bd: 17 × 11 / 9600 s = 19.5 ms; 8 + 5 + 2·66 at 2400 Bd: 664.6 ms
    expect(modbusAnswerTimeoutMs(L('9600 8N1'), 2, 250)).toBe(270);
    expect(modbusAnswerTimeoutMs(L('2400 8N1'), 66, 250)).toBe(915);
    expect(modbusAnswerTimeoutMs(undefined, 66, 1000)).toBe(1000);
  });

  it('tries the documented line settings in order', () => {
    expect(MODBUS_DETECT_LINES.map(formatLine)).toEqual(['9600 8N1', '19200 8E1', '2400 8N1', '9600 8E1', '19200 8N1', '38400 8N1']);
  });
});

describe('detectModbus over RTU', () => {
  const bus = new ModbusBus([profileSlave(CODED, [1, 2]), sunSpecInverterSlave([3]), profileSlave(PLAIN, [5])]);

  it('finds the units at their line setting, identifies each, and asks no found unit again at later settings', async () => {
    const opened: string[] = [];
    const r = await detectModbus(
      rtuLine(bus, L('19200 8E1'), opened),
      { lines: MODBUS_DETECT_LINES, framing: 'rtu', units: [1, 2, 3, 4, 5], profiles: PROFILES, answerMs: 20 },
      silentLogger,
    );
    expect(opened).toEqual(MODBUS_DETECT_LINES.map(formatLine));
    expect(r.ignoresSettings).toBeUndefined();
    expect(r.found.map((f) => [f.unitId, formatLine(f.line), f.identity.kind, 'profile' in f.identity ? f.identity.profile : '-'])).toEqual([
      [1, '19200 8E1', 'model', 'test-coded'],
      [2, '19200 8E1', 'model', 'test-coded'],
      [3, '19200 8E1', 'sunspec', 'sunspec'],
      [5, '19200 8E1', 'like', 'test-plain'],
    ]);
    expect(r.found[2]?.identity).toMatchObject({ evidence: 'SunS at 40000, models 1, 103: SMI Simulated Inverter 3P, serial SIM00042' });
    expect(r.steps.map((s) => `${formatLine(s.line)}: ${s.summary}`)).toEqual([
      '9600 8N1: no unit answers; 5 silent (1-5)',
      '19200 8E1: units 1-3, 5 answer; 1 silent (4)',
      '2400 8N1: no unit answers; 1 silent (4)',
      '9600 8E1: no unit answers; 1 silent (4)',
      '19200 8N1: no unit answers; 1 silent (4)',
      '38400 8N1: no unit answers; 1 silent (4)',
    ]);
  });

  it('prints one meter per line setting and profile that the configuration loader accepts', async () => {
    const r = await detectModbus(
      rtuLine(bus, L('19200 8E1')),
      { lines: [L('19200 8E1')], framing: 'rtu', units: [1, 2, 3, 4, 5], profiles: PROFILES, answerMs: 20 },
      silentLogger,
    );
    const text = modbusDetectionYaml(r, { type: 'serial', port: '/dev/ttyUSB0' }, { name: 'bus', framing: 'rtu' });
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# smi detect: modbus on /dev/ttyUSB0 at 19200 8E1',
      '# unit 1 at 19200 8E1: test-coded (holding register 64514 reads 112)',
      '# unit 2 at 19200 8E1: test-coded (holding register 64514 reads 112)',
      '# unit 3 at 19200 8E1: sunspec (SunS at 40000, models 1, 103: SMI Simulated Inverter 3P, serial SIM00042)',
      '# unit 5 at 19200 8E1: answers like test-plain, weak: input register 0 (1-0:32.7.0) reads 230.1 V, the profile has no identify register',
      '# note: "answers like" is a guess from a mains voltage in the register where that profile keeps it; check the model on the meter',
      '# steps:',
      '#   19200 8E1: units 1-3, 5 answer; 1 silent (4)',
      '# 3 meters: test-coded unit 1, 2; sunspec unit 3; test-plain unit 5',
    ]);
    const doc = parse(text) as { meters: unknown[] };
    const transport = { type: 'serial', port: '/dev/ttyUSB0', baudRate: 19200, dataBits: 8, parity: 'even', stopBits: 1 };
    expect(doc.meters).toEqual([
      { name: 'bus-1', protocol: 'modbus', transport, modbus: { unitIds: [1, 2], profile: 'test-coded' } },
      { name: 'bus-2', protocol: 'modbus', transport, modbus: { unitId: 3, profile: 'sunspec' } },
      { name: 'bus-3', protocol: 'modbus', transport, modbus: { unitId: 5, profile: 'test-plain' } },
    ]);
    expect(validateConfig(doc).ok).toBe(true);
  });

  it('stops where found units answer again (a pty ignores line settings) and keeps the first setting', async () => {
    const r = await detectModbus(
      rtuLine(bus, 'any'),
      { lines: MODBUS_DETECT_LINES, framing: 'rtu', units: [1, 2], profiles: PROFILES, answerMs: 20 },
      silentLogger,
    );
    expect(r.found.map((f) => [f.unitId, formatLine(f.line)])).toEqual([
      [1, '9600 8N1'],
      [2, '9600 8N1'],
    ]);
    expect(r.ignoresSettings).toEqual(L('19200 8E1'));
    expect(r.steps.map((s) => s.summary)).toEqual([
      'units 1, 2 answer',
      'units 1, 2 answer here as well: the line ignores its settings (pty or bridge); stopped',
    ]);
    const text = modbusDetectionYaml(r, { type: 'serial', port: '/dev/pts/7' }, { name: 'm', framing: 'rtu' });
    expect(text).toMatch(
      /^# note: the units answered at 19200 8E1 as well: this line ignores its settings \(pty or bridge\); configured at the first setting that answered, check the meters' menus$/m,
    );
    expect((parse(text) as { meters: unknown[] }).meters).toEqual([
      {
        name: 'm',
        protocol: 'modbus',
        transport: { type: 'serial', port: '/dev/pts/7', baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 },
        modbus: { unitIds: [1, 2], profile: 'test-coded' },
      },
    ]);
  });

  it('stops once every unit id is found (after one setting that shows the line keeps to its settings)', async () => {
    const opened: string[] = [];
    const r = await detectModbus(
      rtuLine(bus, L('9600 8N1'), opened),
      { lines: MODBUS_DETECT_LINES, framing: 'rtu', units: [1, 2], profiles: PROFILES, answerMs: 20 },
      silentLogger,
    );
    expect(opened).toEqual(['9600 8N1', '19200 8E1']);
    expect(r.steps.map((s) => s.summary)).toEqual(['units 1, 2 answer', 'every unit id was found at an earlier setting; done']);
    expect(r.ignoresSettings).toBeUndefined();
  });

  it('reports a line where nobody answers, with no configuration', async () => {
    const r = await detectModbus(
      rtuLine(bus, L('38400 8N1')),
      { lines: [L('9600 8N1')], framing: 'rtu', units: [1, 2, 3], profiles: PROFILES, answerMs: 20 },
      silentLogger,
    );
    const text = modbusDetectionYaml(r, { type: 'serial', port: '/dev/ttyUSB0' }, { name: 'm', framing: 'rtu' });
    expect(text).toBe('# smi detect: no Modbus unit answered on /dev/ttyUSB0\n# steps:\n#   9600 8N1: no unit answers; 3 silent (1-3)\n');
    expect(parse(text)).toBeNull();
  });
});

describe('detectModbus over TCP', () => {
  it('speaks RTU through a transparent bridge (--framing rtu) and configures framing: rtu', async () => {
    const bus = profileSlave(CODED, [4]);
    const r = await detectModbus(rtuLine(bus, 'any'), { lines: [undefined], framing: 'rtu', units: [3, 4], profiles: PROFILES, answerMs: 20 }, silentLogger);
    expect(r.steps.map((s) => s.summary)).toEqual(['unit 4 answers; 1 silent (3)']);
    const text = modbusDetectionYaml(r, { type: 'tcp', host: 'bridge.local', port: 4001 }, { name: 'heatpump', framing: 'rtu' });
    expect(text.split('\n').filter((l) => l.startsWith('#'))).toEqual([
      '# smi detect: modbus on bridge.local:4001',
      '# unit 4: test-coded (holding register 64514 reads 112)',
      '# steps:',
      '#   TCP: unit 4 answers; 1 silent (3)',
      '# 1 meter: test-coded unit 4',
    ]);
    expect(parse(text)).toEqual({
      meters: [
        {
          name: 'heatpump',
          protocol: 'modbus',
          transport: { type: 'tcp', host: 'bridge.local', port: 4001 },
          modbus: { unitId: 4, profile: 'test-coded', framing: 'rtu' },
        },
      ],
    });
  });

  it('asks through a Modbus TCP server: exception 11 (no such unit behind the gateway) is no answer; a device with no match is listed, not configured', async () => {
    const stranger = profileSlave(
      { ...OTHER, id: 'stranger', modbus: { ...OTHER.modbus, identify: { function: 3, address: 0xfc02, type: 'uint16', values: [0x99] } } },
      [4],
    );
    const server = await runModbusTcpServer(new ModbusBus([profileSlave(CODED, [1]), sunSpecInverterSlave([2]), stranger]), 0, '127.0.0.1', silentLogger);
    try {
      const r = await detectModbus(
        tcpOpener('127.0.0.1', server.port),
        { lines: [undefined], framing: 'tcp', units: [1, 2, 3, 4], profiles: [OTHER, CODED], answerMs: 500 },
        silentLogger,
      );
      expect(r.steps.map((s) => s.summary)).toEqual(['units 1, 2, 4 answer; 1 silent (3)']);
      const text = modbusDetectionYaml(r, { type: 'tcp', host: '127.0.0.1', port: server.port }, { name: 'pv', framing: 'tcp' });
      expect(text).toMatch(/^# unit 4: matches no profile \(holding register 64514 reads 153\)$/m);
      expect(text).toMatch(/^# note: a unit that matches no profile needs a profile file \(docs\/modbus\.md, "Profiles"\); it is left out below$/m);
      expect((parse(text) as { meters: unknown[] }).meters).toEqual([
        { name: 'pv-1', protocol: 'modbus', transport: { type: 'tcp', host: '127.0.0.1', port: server.port }, modbus: { unitId: 1, profile: 'test-coded' } },
        { name: 'pv-2', protocol: 'modbus', transport: { type: 'tcp', host: '127.0.0.1', port: server.port }, modbus: { unitId: 2, profile: 'sunspec' } },
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('detectModbus with the built-in profiles', () => {
  const withIdentify = BUILTIN_MODBUS_PROFILES.filter((p) => p.modbus.identify !== undefined);

  it.each(withIdentify.map((p) => [p.id, p] as const))('identifies the simulated %s as itself', async (id, p) => {
    const r = await detectModbus(
      rtuLine(profileSlave(p, [1]), 'any'),
      { lines: [undefined], framing: 'rtu', units: [1], profiles: BUILTIN_MODBUS_PROFILES, answerMs: 20 },
      silentLogger,
    );
    expect(
      r.found.map((f) => [f.identity.kind, 'profile' in f.identity ? f.identity.profile : undefined, 'also' in f.identity ? f.identity.also : []]),
    ).toEqual([['model', id, []]]);
  });
});
