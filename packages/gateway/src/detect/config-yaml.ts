import { stringify } from 'yaml';
import type { DetectResult, Detection } from './detect';
import { formatLine } from './line-settings';

export type DetectTarget = { readonly type: 'serial'; readonly port: string } | { readonly type: 'tcp'; readonly host: string; readonly port: number };

export interface YamlOptions {
  readonly name: string;
  readonly address?: string;
  readonly wakeUp?: boolean;
  readonly maxBaudRate?: number;
}

function targetText(t: DetectTarget): string {
  return t.type === 'serial' ? t.port : `${t.host}:${t.port}`;
}

/** The `meters:` entry that reads what was found. */
export function meterConfig(d: Detection, target: DetectTarget, o: YamlOptions): Record<string, unknown> {
  const transport =
    target.type === 'tcp'
      ? { type: 'tcp', host: target.host, port: target.port }
      : { type: 'serial', port: target.port, ...(d.line ?? { baudRate: 300, dataBits: 7, parity: 'even', stopBits: 1 }) };
  const meter: Record<string, unknown> = { name: o.name, protocol: d.protocol, transport };
  if (d.d0?.asked) {
    const offered = d.d0.offeredBaud ?? 300;
    meter['iec62056'] = {
      mode: 'request',
      ...(o.address ? { address: o.address } : {}),
      ...(o.wakeUp ? { wakeUp: true } : {}),
      readoutIntervalSeconds: 60,
      maxBaudRate: Math.min(offered, o.maxBaudRate ?? 9600),
    };
  } else if (d.d0) {
    meter['iec62056'] = { mode: 'push' };
  }
  return meter;
}

/**
 * What `smi detect` prints on stdout: comments saying what it saw, then (when something was
 * found) a `meters:` list that `smi run --config` accepts as it is.
 */
export function detectionYaml(result: DetectResult, target: DetectTarget, o: YamlOptions): string {
  const lines: string[] = [];
  const d = result.found;
  if (d) {
    const s = d.report.snapshot;
    lines.push(`# smi detect: ${d.protocol}${d.encrypted ? ' (encrypted)' : ''} on ${targetText(target)}${d.line ? ` at ${formatLine(d.line)}` : ''}`);
    if (s) {
      const who = [s.meter.manufacturer ?? s.meter.manufacturerId, s.meter.model].filter(Boolean).join(' ');
      lines.push(
        `# meter ${s.meter.id}${who ? ` (${who})` : ''}: ${d.report.frames} frame${d.report.frames === 1 ? '' : 's'} decoded, ${d.report.rejected} rejected, ${s.readings.length} values in the last one`,
      );
    }
    if (d.d0) {
      const how = d.d0.asked ? `answered /?! in mode ${d.d0.mode ?? '?'}` : 'pushes on its own (mode D)';
      lines.push(`# IEC 62056-21: identification ${d.d0.identification}, ${how}${d.d0.offeredBaud ? `, offers ${d.d0.offeredBaud} Bd` : ''}`);
    }
    if (d.encrypted) lines.push('# encrypted: add key: (and authKey: if your grid operator issued one) to the meter below');
    if (!d.plausible)
      lines.push(
        `# note: decoded at ${formatLine(d.line)}, which meters do not use for ${d.protocol}; this line ignores its settings (pty or bridge), check the meter's documentation`,
      );
  } else {
    lines.push(`# smi detect: no meter recognised on ${targetText(target)}`);
  }
  lines.push('# steps:');
  for (const step of result.steps) lines.push(`#   ${formatLine(step.step.line)}: ${step.summary}`);
  if (!d) return lines.join('\n') + '\n';
  return `${lines.join('\n')}\n${stringify({ meters: [meterConfig(d, target, o)] })}`;
}
