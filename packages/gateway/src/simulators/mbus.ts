import { join } from 'node:path';
import {
  createMbusFramer,
  decodeMbusTelegram,
  encodeMbusLongFrame,
  INITIAL_MBUS_SLAVE_STATE,
  mbusSlaveRespond,
  parseMbusFrame,
  type MbusSlaveConfig,
  type MbusSlaveState,
} from '@smi/decoder';
import { assetsDir } from '../assets';
import { readRecording } from '../transports/replay';
import type { MeterSimulator, SimulatorAction, SimulatorFactory } from './simulator';

/** Built-in M-Bus slaves: real RSP_UD telegrams (assets/simulator/mbus-*.hex). */
export const MBUS_FRAMES = ['kamstrup-multical-601', 'itron-cyble-water'] as const;

function readFrame(name: string): Uint8Array {
  const file = /[/\\]/.test(name) || name.endsWith('.hex') ? name : join(assetsDir(), 'simulator', `mbus-${name}.hex`);
  return Uint8Array.from(readRecording(file, true));
}

/** The frame with another A field (and checksum): a slave answers with its own primary address. */
function withAddress(frame: Uint8Array, address: number): Uint8Array {
  const f = parseMbusFrame(frame);
  if (!f.ok || f.value.type !== 'long') throw new Error('not an M-Bus long frame');
  return f.value.address === address ? frame : encodeMbusLongFrame(f.value.control, address, f.value.ci, f.value.data);
}

/**
 * Splits a readout into `parts` telegrams at record boundaries (same header, DIF 1F "more records
 * follow" closing all but the last): a multi-telegram readout made of a real telegram's records.
 */
export function splitReadout(frame: Uint8Array, parts: number): Uint8Array[] {
  const t = decodeMbusTelegram(frame);
  if (!t.ok || t.value.kind !== 'variable' || t.value.ci !== 0x72) throw new Error('only CI 72 telegrams can be split');
  const f = parseMbusFrame(frame);
  if (!f.ok || f.value.type !== 'long') throw new Error('not an M-Bus long frame');
  const { control, address, ci, data } = f.value;
  const header = data.subarray(0, 12);
  // Record starts (offsets within the user data); manufacturer data stays with the last part.
  const starts = t.value.records.filter((r) => r.type === 'data').map((r) => r.offset);
  const n = Math.max(1, Math.min(parts, starts.length));
  const cut = (p: number): number => (p === 0 ? 12 : (starts[Math.floor((p * starts.length) / n)] as number));
  const out: Uint8Array[] = [];
  for (let p = 0; p < n; p++) {
    const last = p === n - 1;
    const records = data.subarray(cut(p), last ? data.length : cut(p + 1));
    out.push(encodeMbusLongFrame(control, address, ci, Uint8Array.from([...header, ...records, ...(last ? [] : [0x1f])])));
  }
  return out;
}

const number = (settings: Readonly<Record<string, string>>, key: string, fallback: number): number => {
  const text = settings[key];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${key} must be a whole number, got '${text}'`);
  return n;
};

/**
 * Wired M-Bus slaves (2400 8E1) answering a master with real telegrams through the decoder's
 * slave state machine: SND_NKE → E5, REQ_UD2 with FCB handling, secondary selection (CI 52).
 * Settings: `frame=NAME[,NAME…]` (built-in `kamstrup-multical-601` (heat, default),
 * `itron-cyble-water`, or a path to a hex file); `address=N[,N…]` primary address per slave
 * (default: the frame's own A field); `secondary=16HEX` id/manufacturer/version/medium of the
 * first slave (default: from its header); `split=N` sends each readout as N telegrams (multi-
 * telegram readout); `replyMs` reaction time (default 20); `baudRate` (default 2400).
 */
export const mbusSimulator: SimulatorFactory = ({ settings }) => {
  const names = (settings['frame'] ?? MBUS_FRAMES[0]).split(',').filter((n) => n !== '');
  const addresses = (settings['address'] ?? '').split(',').filter((a) => a !== '');
  const split = number(settings, 'split', 1);
  const replyMs = number(settings, 'replyMs', 20);
  const baudRate = number(settings, 'baudRate', 2400);
  const slaves: MbusSlaveConfig[] = names.map((name, i) => {
    const frame = readFrame(name);
    const given = addresses[i];
    let address = parseMbusFrame(frame).ok ? (frame[5] as number) : 0;
    if (given !== undefined) {
      address = Number(given);
      if (!Number.isInteger(address) || address < 0 || address > 250) throw new Error(`address must be 0…250, got '${given}'`);
    }
    const secondary = i === 0 ? settings['secondary'] : undefined;
    if (secondary !== undefined && !/^[0-9A-Fa-f]{16}$/.test(secondary)) throw new Error('secondary must be 16 hex digits (id, manufacturer, version, medium)');
    const telegrams = splitReadout(withAddress(frame, address), split);
    return {
      primaryAddress: address,
      telegrams,
      ...(secondary === undefined ? {} : { secondaryAddress: secondaryBytes(secondary) }),
    };
  });
  const states: MbusSlaveState[] = slaves.map(() => INITIAL_MBUS_SLAVE_STATE);
  const framer = createMbusFramer();
  const sim: MeterSimulator = {
    description: `M-Bus slave${slaves.length > 1 ? 's' : ''} ${slaves.map((s, i) => `${names[i] ?? ''} at address ${s.primaryAddress}`).join(', ')}`,
    line: { baudRate, dataBits: 8, parity: 'even', stopBits: 1 },
    receive(bytes) {
      const actions: SimulatorAction[] = [];
      for (const e of framer.push(bytes)) {
        if (!e.ok) continue; // a slave ignores what it cannot read
        const replies: Uint8Array[] = [];
        slaves.forEach((cfg, i) => {
          const step = mbusSlaveRespond(cfg, states[i] as MbusSlaveState, e.frame.bytes);
          states[i] = step.state;
          if (step.reply) replies.push(step.reply);
        });
        // Several slaves answering at once collide on the bus: the master sees a garbled first byte.
        const reply = replies[0]?.slice();
        if (reply && replies.length > 1) reply[0] = (reply[0] as number) ^ 0x80;
        if (reply) actions.push({ send: reply, afterMs: replyMs });
      }
      return actions;
    },
  };
  return sim;
};

/** `068558172C2D0804` → the 8 header bytes a selection is matched against (id BCD LSB first, manufacturer LE). */
function secondaryBytes(text: string): Uint8Array {
  const t = text.toUpperCase();
  const out = new Uint8Array(8);
  for (let i = 0; i < 4; i++) out[i] = parseInt(t.slice(6 - 2 * i, 8 - 2 * i), 16);
  const man = parseInt(t.slice(8, 12), 16);
  out[4] = man & 0xff;
  out[5] = man >> 8;
  out[6] = parseInt(t.slice(12, 14), 16);
  out[7] = parseInt(t.slice(14, 16), 16);
  return out;
}
