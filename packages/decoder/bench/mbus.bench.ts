/**
 * Wired M-Bus (EN 13757-2/-3) throughput on all 76 fixture frames (libmbus test set), cycling: each
 * call decodes one RSP_UD long frame in full (framing, checksum, application layer, every data
 * record, a typed MeterSnapshot).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '../src/common';
import { createMbusDecoder, decodeMbusFrame } from '../src/mbus';
import { compare } from './harness';

const DIR = join(__dirname, '../fixtures/mbus');

export function loadMbusBenchFrames(): Uint8Array[] {
  const names = readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .sort();
  return names.map((name) => {
    const bytes = hexToBytes(readFileSync(join(DIR, name), 'utf8'));
    if (bytes === undefined || !decodeMbusFrame(bytes).ok) throw new Error(`${name}: not decoded`);
    return bytes;
  });
}

export function run(): void {
  const frames = loadMbusBenchFrames();
  const n = frames.length;
  const sizes = frames.map((f) => f.length);
  const decoder = createMbusDecoder({ mergeTelegrams: false });
  compare(`M-Bus, stream decoder (${n} frames, ${Math.min(...sizes)}-${Math.max(...sizes)} bytes)`, {
    name: 'createMbusDecoder().push(frame)',
    unit: 'frames',
    run: (i) => {
      const events = decoder.push(frames[i % n] as Uint8Array);
      if (events.length !== 1 || events[0]?.ok !== true) throw new Error('frame not decoded');
    },
  });
  compare(`M-Bus, one frame (${n} frames)`, {
    name: 'decodeMbusFrame(bytes)',
    unit: 'frames',
    run: (i) => {
      if (!decodeMbusFrame(frames[i % n] as Uint8Array).ok) throw new Error('frame not decoded');
    },
  });
}
