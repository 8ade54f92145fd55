// `npm run bench:process`: whole process, start-up included, as a user runs it. For each protocol
// a capture of distinct generated frames (values change in every frame) is decoded by
// `smi decode --summary FILE` and by scripts/peer-decode.mjs (the npm peer in a minimal script
// that materialises every value); CPU seconds (user + sys) from /usr/bin/time, runs interleaved
// (smi, peer, smi, peer…), medians and spread (min–max). Then `smi --help` and `smi decode` of one
// frame, the ceiling of each ratio (peer ÷ start-up: what a decoder taking no time would reach), and
// the peak RSS of `smi decode -` fed GB of generated frames through a pipe.
//   node scripts/bench-process.mjs [--runs 7] [--frames 20000] [--stream-bytes 1e9] [--json FILE]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, bundleEnv, root } from './bench-bundle.mjs';
import { median } from './bench-proc.mjs';

function opt(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}
const RUNS = opt('runs', 7);
const FRAMES = opt('frames', 20000);
const STREAM_BYTES = opt('stream-bytes', 1e9);
const jsonAt = process.argv.indexOf('--json');
const JSON_OUT = jsonAt > 0 ? process.argv[jsonAt + 1] : undefined;
const SMI = join(root, 'packages/gateway/dist/smi.js');
const PEER = join(root, 'scripts/peer-decode.mjs');
const TIME = '/usr/bin/time';

/** CPU seconds (user + sys), wall seconds and peak RSS (MB) of one command, with its stdout. */
export function cpuOf(cmd, args, input) {
  const r = spawnSync(TIME, ['-f', '@@ %e %U %S %M', cmd, ...args], { cwd: root, env: bundleEnv, input, maxBuffer: 1 << 26 });
  const line = r.stderr
    .toString()
    .split('\n')
    .find((l) => l.startsWith('@@ '));
  if (r.status !== 0 || !line) throw new Error(`${[cmd, ...args].join(' ')} failed: ${r.stderr.toString().slice(-500)}`);
  const [wall, user, sys, kb] = line.slice(3).split(' ').map(Number);
  return { cpu: user + sys, wall, rssMb: kb / 1024, stdout: r.stdout.toString() };
}

const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

/** Interleaved runs of two commands: medians, spreads and the ratio of the medians. */
export function interleave(a, b, runs) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    ta.push(cpuOf(...a).cpu);
    tb.push(cpuOf(...b).cpu);
  }
  return { smi: median(ta), peer: median(tb), smiSpread: spread(ta), peerSpread: spread(tb), ratio: median(tb) / median(ta) };
}

/** Generated capture files (distinct frames), one per row. */
export const ROWS = [
  { name: 'DSMR 5 (Iskra MT382)', protocol: 'dsmr', fixture: 'v5-iskra-mt382', frames: 1 },
  { name: 'SML (Iskra, openems)', protocol: 'sml', fixture: 'sml-openems-iskra', frames: 1 },
  { name: 'D0 push (EMH eHZ)', protocol: 'd0', fixture: 'smartmeter-obis-emh-ehz-d0', frames: 1 },
  { name: 'D0 readout (Iskra MT174)', protocol: 'd0', fixture: 'smartmeter-obis-iskra-mt174', frames: 0.1 },
];

export async function writeCaptures(dir, frames, rows = ROWS) {
  const gen = await bundle('packages/decoder/bench/gen/cli.ts', 'gen');
  const files = rows.map((row) => {
    const file = join(dir, `${row.fixture}.bin`);
    const n = String(Math.round(frames * row.frames));
    const r = spawnSync(process.execPath, [gen, '--protocol', row.protocol, '--fixture', row.fixture, '--frames', n, '--out', file], {
      cwd: root,
      env: bundleEnv,
      stdio: 'inherit',
    });
    if (r.status !== 0) throw new Error(`gen-frames ${row.fixture} failed`);
    return { ...row, file, n: Number(n) };
  });
  return { gen, files };
}

/** Checks that both sides decoded every frame of the capture (a benchmark of failures is no benchmark). */
export function checkBoth(f) {
  const ours = JSON.parse(cpuOf(process.execPath, [SMI, 'decode', '--summary', f.file]).stdout);
  const peer = JSON.parse(cpuOf(process.execPath, [PEER, f.protocol, f.file]).stdout);
  if (ours.frames !== f.n || ours.rejected !== 0) throw new Error(`smi decoded ${ours.frames}/${f.n} of ${f.fixture}`);
  if (peer.frames !== f.n || peer.failed !== 0) throw new Error(`peer decoded ${peer.frames - peer.failed}/${f.n} of ${f.fixture}`);
  return { readings: ours.readings, peerValues: peer.values };
}

export const smiArgs = (file) => [process.execPath, [SMI, 'decode', '--summary', file]];
export const peerArgs = (protocol, file) => [process.execPath, [PEER, protocol, file]];

/** Peak RSS of `smi decode --summary -` while the generator streams `bytes` through a pipe. */
function streamRss(gen, bytes) {
  return new Promise((resolve, reject) => {
    const g = spawn(process.execPath, [gen, '--protocol', 'dsmr', '--bytes', String(bytes)], {
      cwd: root,
      env: bundleEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const s = spawn(TIME, ['-f', '@@ %e %U %S %M', process.execPath, SMI, 'decode', '--summary', '-'], { cwd: root, stdio: [g.stdout, 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    s.stdout.on('data', (d) => (out += d));
    s.stderr.on('data', (d) => (err += d));
    s.on('close', (code) => {
      const line = err.split('\n').find((l) => l.startsWith('@@ '));
      if (code !== 0 || !line) return reject(new Error(`stream decode failed: ${err.slice(-300)}`));
      const [wall, user, sys, kb] = line.slice(3).split(' ').map(Number);
      resolve({ bytes, wall, cpu: user + sys, rssMb: kb / 1024, summary: JSON.parse(out) });
    });
  });
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'smi-bench-process-'));
  const result = { node: process.version, date: new Date().toISOString(), runs: RUNS, rows: [] };
  try {
    const { gen, files } = await writeCaptures(dir, FRAMES);
    const one = join(dir, 'one.txt');
    spawnSync(process.execPath, [gen, '--protocol', 'dsmr', '--frames', '1', '--out', one], { cwd: root, env: bundleEnv });
    console.log(`smi decode --summary vs the peer in a minimal script — CPU s (user+sys), median of ${RUNS} interleaved runs [min–max]`);
    console.log(
      `${'input'.padEnd(28)} ${'frames'.padStart(6)} ${'smi'.padStart(6)} ${'spread'.padStart(11)} ${'peer'.padStart(6)} ${'spread'.padStart(11)} ${'ratio'.padStart(6)}`,
    );
    for (const f of files) {
      const counts = checkBoth(f);
      const m = interleave(smiArgs(f.file), peerArgs(f.protocol, f.file), RUNS);
      result.rows.push({ input: f.name, frames: f.n, ...counts, ...m });
      console.log(
        `${f.name.padEnd(28)} ${String(f.n).padStart(6)} ${m.smi.toFixed(2).padStart(6)} ${m.smiSpread.padStart(11)} ${m.peer.toFixed(2).padStart(6)} ${m.peerSpread.padStart(11)} ${(m.ratio.toFixed(2) + '×').padStart(6)}`,
      );
    }
    const startup = [
      ['node -e 0 (floor)', [process.execPath, ['-e', '0']]],
      ['smi --help', [process.execPath, [SMI, '--help']]],
      ['smi decode (1 DSMR frame)', smiArgs(one)],
      ['peer (1 DSMR frame)', peerArgs('dsmr', one)],
    ];
    const times = startup.map(() => []);
    for (let i = 0; i < RUNS; i++) startup.forEach(([, c], k) => times[k].push(cpuOf(...c).cpu));
    console.log(`\nstart-up — CPU s, median of ${RUNS} interleaved runs [min–max]`);
    result.startup = startup.map(([name], k) => {
      console.log(`${name.padEnd(28)} ${median(times[k]).toFixed(2).padStart(6)} ${spread(times[k]).padStart(11)}`);
      return { name, cpu: median(times[k]), spread: spread(times[k]) };
    });
    // What ratio is possible at all: node's own start-up is in both sides, so even a decoder that
    // took no time could not beat peer ÷ floor (node -e 0), nor peer ÷ smi's own start-up.
    const floor = result.startup[0].cpu;
    const smiStart = result.startup[2].cpu;
    console.log(`\nceiling of the ratio — peer CPU s ÷ node's start-up (${floor.toFixed(2)} s), ÷ smi decode of one frame (${smiStart.toFixed(2)} s)`);
    result.ceiling = result.rows.map((row) => {
      const c = { input: row.input, peer: row.peer, overFloor: row.peer / floor, overSmiStart: row.peer / smiStart };
      console.log(`${row.input.padEnd(28)} ${(c.overFloor.toFixed(1) + '×').padStart(7)} ${(c.overSmiStart.toFixed(1) + '×').padStart(7)}`);
      return c;
    });
    if (STREAM_BYTES > 0) {
      const s = await streamRss(gen, STREAM_BYTES);
      result.stream = s;
      console.log(
        `\nsmi decode --summary - of ${(STREAM_BYTES / 1e9).toFixed(2)} GB DSMR through a pipe: ${s.summary.frames} frames, peak RSS ${s.rssMb.toFixed(0)} MB, ${s.cpu.toFixed(1)} s CPU, ${s.wall.toFixed(1)} s wall`,
      );
    }
    rmSync(gen, { force: true });
    if (JSON_OUT !== undefined) writeFileSync(JSON_OUT, JSON.stringify(result, null, 2) + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
