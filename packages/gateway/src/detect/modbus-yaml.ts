import { stringify } from 'yaml';
import type { DetectTarget } from './config-yaml';
import { formatLine, sameLine, type LineSetting } from './line-settings';
import { describeIdentity, formatUnits, lineName, type ModbusDetectResult, type ModbusUnitFinding } from './modbus-detect';

export interface ModbusYamlOptions {
  readonly name: string;
  /** Over TCP: RTU frames through a transparent bridge. */
  readonly framing: 'rtu' | 'tcp';
  /** Profiles read from files (`--profile`): the configuration names them by path, not id. */
  readonly profilePaths?: ReadonlyMap<string, string>;
}

const targetText = (t: DetectTarget): string => (t.type === 'serial' ? t.port : `${t.host}:${t.port}`);

/** The meters to configure: one per line setting and profile, with the unit ids that play it. */
function groups(found: readonly ModbusUnitFinding[]): { line: LineSetting | undefined; profile: string; units: number[] }[] {
  const out: { line: LineSetting | undefined; profile: string; units: number[] }[] = [];
  for (const f of found) {
    if (f.identity.kind === 'unknown') continue;
    const profile = f.identity.profile;
    const same = (l: LineSetting | undefined): boolean => (l === undefined ? f.line === undefined : f.line !== undefined && sameLine(l, f.line));
    const g = out.find((x) => x.profile === profile && same(x.line));
    if (g) g.units.push(f.unitId);
    else out.push({ line: f.line, profile, units: [f.unitId] });
  }
  return out;
}

/**
 * What `smi detect --modbus` prints on stdout: comments saying what each unit is and how sure that
 * is, then a `meters:` list (one meter per line setting and profile, `unitId`/`unitIds`) that
 * `smi run --config` accepts as it is.
 */
export function modbusDetectionYaml(result: ModbusDetectResult, target: DetectTarget, o: ModbusYamlOptions): string {
  const lines: string[] = [];
  if (result.found.length === 0) lines.push(`# smi detect: no Modbus unit answered on ${targetText(target)}`);
  else {
    const at = [...new Set(result.found.map((f) => formatLine(f.line)))];
    lines.push(`# smi detect: modbus on ${targetText(target)}${target.type === 'serial' ? ` at ${at.join(', ')}` : ''}`);
  }
  for (const f of result.found) lines.push(`# unit ${f.unitId}${target.type === 'serial' ? ` at ${formatLine(f.line)}` : ''}: ${describeIdentity(f.identity)}`);
  if (result.found.some((f) => f.identity.kind === 'like'))
    lines.push('# note: "answers like" is a guess from a mains voltage in the register where that profile keeps it; check the model on the meter');
  if (result.found.some((f) => f.identity.kind === 'unknown'))
    lines.push('# note: a unit that matches no profile needs a profile file (docs/modbus.md, "Profiles"); it is left out below');
  if (result.ignoresSettings)
    lines.push(
      `# note: the units answered at ${formatLine(result.ignoresSettings)} as well: this line ignores its settings (pty or bridge); configured at the first setting that answered, check the meters' menus`,
    );
  lines.push('# steps:');
  for (const s of result.steps) lines.push(`#   ${lineName(s.line)}: ${s.summary}`);
  const meters = modbusMeterConfigs(result, target, o);
  if (meters.length === 0) return lines.join('\n') + '\n';
  lines.push(`# ${meters.length} meter${meters.length === 1 ? '' : 's'}: ${meters.map((m) => `${m.profile} unit ${formatUnits(m.units)}`).join('; ')}`);
  return `${lines.join('\n')}\n${stringify({ meters: meters.map((m) => m.config) })}`;
}

/** One meter to configure from a Modbus detection: its configuration entry and what it groups. */
export interface ModbusFoundMeter {
  readonly config: Record<string, unknown>;
  readonly profile: string;
  readonly units: readonly number[];
  readonly line: LineSetting | undefined;
}

/**
 * The meters a Modbus detection configures (what `smi detect --modbus` prints under `meters:`, and
 * what the web UI's Detect offers): one per line setting and profile, `unitId` or `unitIds`, named
 * `name`, or `name-1`, `name-2` … when there are several. Units matching no profile are left out.
 */
export function modbusMeterConfigs(result: ModbusDetectResult, target: DetectTarget, o: ModbusYamlOptions): ModbusFoundMeter[] {
  const meters = groups(result.found);
  return meters.map((m, i) => {
    const transport =
      target.type === 'tcp'
        ? { type: 'tcp', host: target.host, port: target.port }
        : { type: 'serial', port: target.port, ...(m.line ?? { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 }) };
    const units = m.units.length === 1 ? { unitId: m.units[0] } : { unitIds: m.units };
    const framing = target.type === 'tcp' && o.framing === 'rtu' ? { framing: 'rtu' } : {};
    const config = {
      name: meters.length === 1 ? o.name : `${o.name}-${i + 1}`,
      protocol: 'modbus',
      transport,
      modbus: { ...units, profile: o.profilePaths?.get(m.profile) ?? m.profile, ...framing },
    };
    return { config, profile: m.profile, units: m.units, line: m.line };
  });
}
