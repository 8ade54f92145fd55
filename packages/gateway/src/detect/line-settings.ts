import type { ProtocolId } from '@smi/model';

/** A serial line setting: speed and character frame. */
export interface LineSetting {
  readonly baudRate: number;
  readonly dataBits: 7 | 8;
  readonly parity: 'none' | 'even' | 'odd';
  readonly stopBits: 1 | 2;
}

/** One step of the search: a line setting, whether to ask `/?!` there, and what may be found. */
export interface DetectStep {
  /** Undefined on a TCP bridge: the bridge's own setting, which the gateway cannot change. */
  readonly line: LineSetting | undefined;
  /** Send the IEC 62056-21 request and wait for the answer (meters that only talk when asked). */
  readonly ask: boolean;
  /** Protocols meters really use at this setting; anything else decoding here is suspicious. */
  readonly protocols: readonly ProtocolId[];
  /** What typically speaks this way (for logs and docs). */
  readonly typical: string;
}

const line = (baudRate: number, dataBits: 7 | 8, parity: LineSetting['parity'], stopBits: 1 | 2 = 1): LineSetting => ({ baudRate, dataBits, parity, stopBits });

/**
 * The search order of `smi detect` and of `protocol: auto` on a serial port (docs/cli.md lists it).
 * The request comes first: a meter that must be asked never shows up by listening. Then the
 * push settings, most common first.
 */
export const DETECT_STEPS: readonly DetectStep[] = [
  { line: line(300, 7, 'even'), ask: true, protocols: ['iec62056-21'], typical: 'IEC 62056-21 optical head, modes A–C/E (asked with /?!)' },
  { line: line(115200, 8, 'none'), ask: false, protocols: ['dsmr', 'dlms'], typical: 'DSMR 4/5, eMUCS (BE), DLMS P1 ports (LU, AT)' },
  { line: line(9600, 8, 'none'), ask: false, protocols: ['sml', 'dlms'], typical: 'SML eHZ meters (DE), some DLMS push meters' },
  { line: line(9600, 7, 'even'), ask: false, protocols: ['dsmr', 'iec62056-21'], typical: 'DSMR 2.2/3, IEC 62056-21 push meters (EMH, EasyMeter)' },
  { line: line(2400, 8, 'even'), ask: false, protocols: ['dlms', 'mbus'], typical: 'DLMS HAN ports (NO, SE: M-Bus line)' },
  { line: line(2400, 7, 'even'), ask: false, protocols: ['iec62056-21'], typical: 'IEC 62056-21 mode D push meters' },
];

/** `9600 8N1` style label. */
export function formatLine(l: LineSetting | undefined): string {
  if (l === undefined) return "the bridge's line setting";
  return `${l.baudRate} ${l.dataBits}${l.parity.charAt(0).toUpperCase()}${l.stopBits}`;
}

/** Parses `9600 8N1`, `9600,8N1` or `9600-7E1`. */
export function parseLine(text: string): LineSetting | undefined {
  const m = /^\s*(\d+)[\s,/-]*([78])([NEOneo])([12])\s*$/.exec(text);
  if (!m) return undefined;
  const parity = ({ n: 'none', e: 'even', o: 'odd' } as const)[(m[3] as string).toLowerCase() as 'n' | 'e' | 'o'];
  return line(Number(m[1]), Number(m[2]) as 7 | 8, parity, Number(m[4]) as 1 | 2);
}

export function sameLine(a: LineSetting, b: LineSetting): boolean {
  return a.baudRate === b.baudRate && a.dataBits === b.dataBits && a.parity === b.parity && a.stopBits === b.stopBits;
}

/** The steps for a custom list of settings: 300 7E1 asks, everything else listens. */
export function stepsFor(lines: readonly LineSetting[]): DetectStep[] {
  return lines.map(
    (l) => DETECT_STEPS.find((s) => s.line !== undefined && sameLine(s.line, l)) ?? { line: l, ask: false, protocols: [], typical: 'custom setting' },
  );
}

/** The one step on a TCP bridge: ask and listen at whatever the bridge is set to. */
export const TCP_STEP: DetectStep = { line: undefined, ask: true, protocols: [], typical: 'serial bridge' };

/** A protocol found at a step is believable: the step names it, or the step names none (custom, TCP). */
export function plausibleAt(step: DetectStep, protocol: ProtocolId): boolean {
  return step.protocols.length === 0 || step.protocols.includes(protocol);
}
