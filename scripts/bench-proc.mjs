// Helpers of the gateway benchmarks (bench-load.mjs, bench-idle.mjs): command-line options and
// what /proc says about a process.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The value after `--name` on the command line, or `dflt`. */
export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

/** The middle of some figures (of an even count, the upper of the two middle ones). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** User + system CPU of a process so far, in clock ticks (100 per second). */
export function cpuTicks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

/** A `Name:   N kB` field of a /proc text (status, smaps_rollup), in kB. */
export const kb = (text, field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN);

/** Resident memory of a process, MB. */
export const rssMb = (pid) => kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024;

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort() {
  const probe = createServer();
  await new Promise((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address();
  await new Promise((r) => probe.close(r));
  return port;
}
