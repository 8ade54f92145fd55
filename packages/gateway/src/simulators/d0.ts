import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { D0_MODE_D_BAUD, D0_INITIAL_BAUD, D0MeterSimulator, parseIdentification, type MeterCommand } from '@smi/decoder';
import { assetsDir } from '../assets';
import type { MeterSimulator, SimulatorAction, SimulatorFactory } from './simulator';

const MODES = ['A', 'B', 'C', 'D', 'E'] as const;
type Mode = (typeof MODES)[number];

/** Identification and data block of a recorded D0 readout (`/XXXZident`, then STX or plain lines up to `!`). */
export interface D0Readout {
  readonly manufacturerId: string;
  readonly ident: string;
  /** Data lines, CR LF separated, without STX and the closing `!`. */
  readonly data: string;
}

/** Reads a capture holding one readout (an echoed request and the option select may come before it). */
export function parseD0Readout(bytes: Uint8Array): D0Readout {
  const text = Buffer.from(bytes).toString('latin1');
  const lines = text.split(/\r?\n/);
  const identAt = lines.findIndex((l) => l.startsWith('/') && !l.startsWith('/?'));
  if (identAt < 0) throw new Error('no identification line (/XXXZ…) in the readout');
  const id = parseIdentification(Buffer.from(lines[identAt] as string, 'latin1'));
  if (!id.ok) throw new Error(`identification: ${id.error.message}`);
  const rest = lines.slice(identAt + 1).filter((l) => !l.startsWith('\x06') && l !== '');
  const block: string[] = [];
  for (const raw of rest) {
    const line = raw.startsWith('\x02') ? raw.slice(1) : raw;
    if (line.startsWith('!')) break;
    block.push(line);
  }
  if (block.length === 0) throw new Error('no data lines after the identification');
  return { manufacturerId: id.value.manufacturerId, ident: id.value.ident, data: block.map((l) => `${l}\r\n`).join('') };
}

/**
 * Longest pause between a send and the baud switch after it. The session asks for the bytes'
 * time on the wire; the runner already drains the port before the next action (on a UART the
 * bytes have left by then), but a speed change flushes the port's buffers (serialport's `update`
 * calls `tcflush`) and a pty's drain returns before socat has taken everything, so a short grace
 * keeps the tail of a long readout without making the meter deaf for the whole wire time.
 */
export const SWITCH_GRACE_MS = 500;

/** Reaction time of the simulated meter unless set: inside the standard's 200–1500 ms, clear of the master's own switch. */
export const DEFAULT_REACTION_MS = 400;

/** A session's commands as runner actions: pauses fold into the next action's `afterMs`. */
export function toActions(commands: readonly MeterCommand[]): SimulatorAction[] {
  const out: SimulatorAction[] = [];
  let pause = 0;
  let afterSend = false;
  for (const c of commands) {
    switch (c.type) {
      case 'wait':
        pause += c.ms;
        afterSend = false;
        break;
      case 'send':
        out.push({ send: c.bytes, afterMs: pause });
        pause = 0;
        afterSend = true;
        break;
      case 'set-baud':
        out.push({ setBaud: c.baud, afterMs: pause + (afterSend ? Math.min(c.afterMs, SWITCH_GRACE_MS) : c.afterMs) });
        pause = 0;
        afterSend = false;
        break;
      case 'handover':
        // Mode E binary: the line would now carry HDLC; this simulator has no DLMS server.
        break;
    }
  }
  return out;
}

function number(settings: Readonly<Record<string, string>>, key: string): number | undefined {
  const v = settings[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a whole number, got '${v}'`);
  return n;
}

/**
 * An IEC 62056-21 meter (the pure `D0MeterSimulator` on a port). Settings: `mode=A|B|C|D|E`
 * (default C), `recording=NAME` (built-in readout, default `d0-iskra-mt174`) or `file=PATH` (a
 * captured readout), `maxBaud` (default 9600), `address`, `wakeUpNuls`, `reactionMs` (default 400),
 * `manufacturer`, `ident`, `escape` (mode E, default 2). Modes A–C/E answer `/?!` at
 * 300 7E1; mode D pushes its telegram at 2400 7E1 every interval.
 */
export const d0Simulator: SimulatorFactory = ({ settings }) => {
  const mode = (settings['mode'] ?? 'C').toUpperCase() as Mode;
  if (!MODES.includes(mode)) throw new Error(`mode must be one of ${MODES.join(', ')}, got '${settings['mode'] ?? ''}'`);
  const file = settings['file'];
  const name = settings['recording'] ?? 'd0-iskra-mt174';
  const readout = parseD0Readout(readFileSync(file ?? join(assetsDir(), 'simulator', `${name}.txt`)));
  const maxBaud = number(settings, 'maxBaud');
  const wakeUpNuls = number(settings, 'wakeUpNuls');
  const reactionMs = number(settings, 'reactionMs');
  const meter = new D0MeterSimulator({
    manufacturerId: settings['manufacturer'] ?? readout.manufacturerId,
    ident: settings['ident'] ?? readout.ident,
    mode,
    data: readout.data,
    ...(maxBaud === undefined ? {} : { maxBaud }),
    ...(settings['address'] === undefined ? {} : { address: settings['address'] }),
    ...(wakeUpNuls === undefined ? {} : { wakeUpNuls }),
    reactionMs: reactionMs ?? DEFAULT_REACTION_MS,
    ...(settings['escape'] === undefined ? {} : { escape: settings['escape'] }),
  });
  const description = `IEC 62056-21 meter, mode ${mode} (${readout.manufacturerId} ${readout.ident}${file ? `, ${file}` : `, ${name}`})`;
  if (mode === 'D') {
    return { description, line: { baudRate: D0_MODE_D_BAUD, dataBits: 7, parity: 'even', stopBits: 1 }, push: () => meter.pushTelegram() };
  }
  const sim: MeterSimulator = {
    description,
    line: { baudRate: D0_INITIAL_BAUD, dataBits: 7, parity: 'even', stopBits: 1 },
    receive: (bytes) => toActions(meter.receive(bytes)),
  };
  return sim;
};
