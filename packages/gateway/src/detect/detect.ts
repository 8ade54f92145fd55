import type { D0Mode, DecoderOptions, FrameEvent } from '@smi/decoder';
import type { ProtocolId } from '@smi/model';
import type { Logger } from '../log';
import { D0RequestSession } from '../sessions/d0-session';
import { formatLine, plausibleAt, type DetectStep, type LineSetting } from './line-settings';
import { ProtocolProbe, type ProbeReport } from './probe';

/** An open line for one step of the search. */
export interface ProbeLine {
  write(bytes: Uint8Array): Promise<void>;
  readonly setBaudRate: ((baudRate: number) => Promise<void>) | undefined;
  close(): Promise<void>;
}

/** Opens the line at a step's setting and hands every received chunk to `onData`. */
export type LineOpener = (step: DetectStep, onData: (chunk: Uint8Array) => void) => Promise<ProbeLine>;

export interface DetectOptions {
  readonly steps: readonly DetectStep[];
  /** How long to listen at a setting that does not ask (push meters send every 1–10 s). */
  readonly listenMs: number;
  /** Ask `/?!` at the steps that ask (default true). */
  readonly ask?: boolean;
  readonly address?: string;
  readonly wakeUp?: boolean;
  readonly maxBaudRate?: number;
  /** Keys for encrypted meters (DLMS, encrypted P1). */
  readonly keys?: DecoderOptions;
}

/** What IEC 62056-21 told about itself. */
export interface D0Details {
  /** The meter answered our request (false: it pushed on its own, mode D). */
  readonly asked: boolean;
  readonly identification: string;
  readonly mode: D0Mode | undefined;
  /** Highest baud rate the identification offered (modes B, C, E). */
  readonly offeredBaud: number | undefined;
}

export interface Detection {
  readonly protocol: ProtocolId;
  readonly encrypted: boolean;
  /** Undefined on a TCP bridge. */
  readonly line: LineSetting | undefined;
  /** Meters really use this protocol at this setting (false: found where the setting had no effect, e.g. a pty). */
  readonly plausible: boolean;
  readonly report: ProbeReport;
  readonly d0?: D0Details;
}

export interface StepOutcome {
  readonly step: DetectStep;
  readonly summary: string;
  readonly detection: Detection | undefined;
}

export interface DetectResult {
  readonly found: Detection | undefined;
  readonly steps: readonly StepOutcome[];
}

const POLL_MS = 25;
/** A readout in progress (300 Bd mode A readouts are long) is given this long at most. */
const MAX_READOUT_MS = 5 * 60 * 1000;

/**
 * Tries the steps in order until a protocol decodes at a setting where meters really speak it.
 * At each step the bytes go to a `ProtocolProbe` (recognise, then confirm with the real decoder);
 * steps that ask run one IEC 62056-21 readout with the gateway's own request session. A decode
 * at a setting that cannot be right (a socat pty or TCP bridge ignores line settings) is kept
 * as a fallback and the search goes on.
 */
export async function detectMeter(open: LineOpener, o: DetectOptions, log: Logger): Promise<DetectResult> {
  const outcomes: StepOutcome[] = [];
  let fallback: Detection | undefined;
  for (const step of o.steps) {
    const outcome = await runStep(open, step, o, log);
    outcomes.push(outcome);
    log.info(`${formatLine(step.line)}: ${outcome.summary}`);
    const d = outcome.detection;
    if (d?.plausible) return { found: d, steps: outcomes };
    if (d && !fallback) {
      fallback = d;
      log.info(`${d.protocol} decoded at ${formatLine(step.line)}, where meters do not send it: this line ignores its settings (pty, bridge); going on`);
    }
  }
  return { found: fallback, steps: outcomes };
}

async function runStep(open: LineOpener, step: DetectStep, o: DetectOptions, log: Logger): Promise<StepOutcome> {
  const probe = new ProtocolProbe(o.keys ?? {});
  const d0Events: FrameEvent[] = [];
  let session: D0RequestSession | undefined;
  const line = await open(step, (chunk) => {
    probe.push(chunk);
    if (session) d0Events.push(...session.push(chunk));
  });
  const asking = step.ask && o.ask !== false;
  const started = Date.now();
  try {
    if (asking) {
      session = new D0RequestSession({
        label: 'detect',
        address: o.address ?? '',
        wakeUp: o.wakeUp ?? false,
        readoutIntervalMs: 24 * 3600 * 1000,
        maxBaudRate: o.maxBaudRate ?? 9600,
        lineBaud: step.line?.baudRate ?? 300,
        maskParity: step.line?.dataBits === 8,
      });
      session.start({ write: (b) => line.write(b), setBaudRate: line.setBaudRate, log, emit: (ev) => d0Events.push(...ev) });
    }
    // A step that asks on a serial line is over with the answer; otherwise listen for push meters.
    const listenMs = asking && step.line !== undefined ? 0 : o.listenMs;
    for (;;) {
      const askDone = !asking || d0Events.length > 0;
      const elapsed = Date.now() - started;
      if (askDone && (probe.confirmed || elapsed >= listenMs)) break;
      if (elapsed > listenMs + MAX_READOUT_MS) break;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  } finally {
    session?.stop();
    await line.close();
  }
  return judgeStep(step, probe.finish(), d0Events, asking, session?.identification);
}

/**
 * What one step found: an IEC 62056-21 meter that answered our request (its bytes read as
 * IEC 62056-21, not a push meter's telegram), or a frame the probe decoded, or nothing.
 */
export function judgeStep(
  step: DetectStep,
  report: ProbeReport,
  d0Events: readonly FrameEvent[],
  asked: boolean,
  id: D0RequestSession['identification'],
): StepOutcome {
  const answered = d0Events.find((e): e is Extract<FrameEvent, { ok: true }> => e.ok);
  if (answered && report.protocol === 'iec62056-21') {
    const d0: D0Details = { asked: true, identification: id?.line ?? answered.snapshot.meter.identification ?? '', mode: id?.mode, offeredBaud: id?.baud };
    const merged: ProbeReport = { ...report, frames: Math.max(report.frames, 1), snapshot: answered.snapshot };
    const detection: Detection = {
      protocol: 'iec62056-21',
      encrypted: false,
      line: step.line,
      plausible: plausibleAt(step, 'iec62056-21'),
      report: merged,
      d0,
    };
    return { step, detection, summary: `IEC 62056-21 meter answered /?! (${d0.identification}, mode ${d0.mode ?? '?'}); readout decoded: ${valuesOf(merged)}` };
  }
  const prefix = asked && !answered ? 'no answer to /?!; ' : '';
  if (report.frames === 0) {
    const seen = report.protocol ? `; looked like ${report.protocol}${report.encrypted ? ' (encrypted)' : ''} but nothing decoded${errorsOf(report)}` : '';
    return { step, detection: undefined, summary: `${prefix}nothing decoded (${report.bytes} bytes received${seen})` };
  }
  const protocol = report.protocol as ProtocolId;
  const pushed = report.snapshot?.meter.identification;
  const detection: Detection = {
    protocol,
    encrypted: report.encrypted,
    line: step.line,
    plausible: plausibleAt(step, protocol),
    report,
    ...(protocol === 'iec62056-21' ? { d0: { asked: false, identification: pushed ?? '', mode: 'D' as const, offeredBaud: undefined } } : {}),
  };
  return { step, detection, summary: `${prefix}${protocol}${report.encrypted ? ' (encrypted)' : ''}: ${valuesOf(report)}` };
}

function valuesOf(r: ProbeReport): string {
  const s = r.snapshot;
  const meter = s ? `meter ${s.meter.id}${s.meter.manufacturer ? ` (${s.meter.manufacturer})` : ''}, ` : '';
  return `${meter}${r.frames} frame${r.frames === 1 ? '' : 's'} decoded, ${r.rejected} rejected${errorsOf(r)}, ${s?.readings.length ?? 0} values`;
}

function errorsOf(r: ProbeReport): string {
  const e = Object.entries(r.errors);
  return e.length === 0 ? '' : ` (${e.map(([k, n]) => `${k} ×${n}`).join(', ')})`;
}
