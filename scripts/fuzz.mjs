// `npm run fuzz [-- --cases N --protocol P --workers W --seed BASE]`: hostile-stream and mutated-frame
// fuzzing of every stream decoder (packages/decoder/src/test-support/fuzz-case.ts), bundled with
// esbuild as scripts/bench.mjs does. Cases run in worker threads; a worker that makes no progress for
// 10 s is killed, its case recorded as a hang, and the run goes on after it. Prints one JSON line and
// one table row per protocol; exits 1 when there are crashes or hangs.
// `npm run fuzz -- --protocol dsmr --case SEED` runs one case and prints what it found.
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'packages/decoder/src');
const PROTOCOLS = ['dsmr', 'iec62056-21', 'sml', 'mbus', 'dlms'];

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const cases = Number(arg('cases', '1000000'));
const only = arg('protocol', undefined);
const workers = Math.max(1, Number(arg('workers', '2')));
const base = Number(arg('seed', '20240607')) >>> 0;
const single = arg('case', undefined);
const HANG_MS = 10_000;
if (only !== undefined && !PROTOCOLS.includes(only)) throw new Error(`--protocol: one of ${PROTOCOLS.join(', ')}`);

// The worker: loads the fixtures, runs cases [from, to) and keeps its counters in shared memory so
// that nothing is lost when the watchdog kills it.
const WORKER = `
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { HOSTILE_PROTOCOLS, factoryDecoder } from './test-support/protocols';
import { caseSeed, fuzzTarget, runFuzzCase } from './test-support/fuzz-case';

const { protocol, from, to, base, shared, single } = workerData;
const fixtures = join(${JSON.stringify(root)}, 'packages/decoder/fixtures');
const index = HOSTILE_PROTOCOLS.findIndex((p) => p.id === protocol);
const p = HOSTILE_PROTOCOLS[index];
const target = fuzzTarget(p, p.frames((path) => new Uint8Array(readFileSync(join(fixtures, path)))), factoryDecoder(p.id));
if (single !== undefined) {
  parentPort.postMessage({ single: runFuzzCase(target, Number(single)) });
} else {
  // [0] next case, [1] cases done, [2] good frames, [3] lost, [4] accepted, [5] crashes
  const c = new Int32Array(shared);
  let posted = 0;
  let lostPosted = 0;
  let acceptedPosted = 0;
  for (let i = from; i < to; i++) {
    Atomics.store(c, 0, i);
    const seed = caseSeed(base, index, i);
    try {
      const r = runFuzzCase(target, seed);
      c[2] += r.good;
      c[3] += r.lost;
      c[4] += r.accepted;
      // the first few of each sort: a lost good frame must not hide behind many accepted bad ones
      if (r.lost > 0 && lostPosted++ < 5) parentPort.postMessage({ finding: { seed, kind: r.kind, lost: r.lost, accepted: r.accepted } });
      else if (r.accepted > 0 && acceptedPosted++ < 5) parentPort.postMessage({ finding: { seed, kind: r.kind, lost: r.lost, accepted: r.accepted } });
    } catch (e) {
      c[5]++;
      if (posted++ < 10) parentPort.postMessage({ crash: { seed, error: String(e && e.stack ? e.stack.split('\\n').slice(0, 3).join(' | ') : e) } });
    }
    Atomics.store(c, 1, c[1] + 1);
  }
  parentPort.postMessage({ done: true });
}
`;

const bundle = join(tmpdir(), `smi-fuzz-worker-${process.pid}.js`);
await build({
  stdin: { contents: WORKER, resolveDir: src, loader: 'ts', sourcefile: 'fuzz-worker.ts' },
  outfile: bundle,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  tsconfig: join(root, 'tsconfig.base.json'),
  logLevel: 'warning',
});

function startWorker(workerData) {
  return new Worker(bundle, { workerData, env: { ...process.env, NODE_PATH: join(root, 'node_modules') } });
}

if (single !== undefined) {
  const w = startWorker({ protocol: only ?? 'dsmr', from: 0, to: 0, base, shared: undefined, single });
  w.on('message', (m) => {
    console.log(JSON.stringify({ protocol: only ?? 'dsmr', seed: Number(single), ...m.single }));
    void w.terminate();
  });
  w.on('error', (e) => {
    console.log(`crash: ${e.stack ?? e}`);
    process.exitCode = 1;
  });
} else {
  await main();
}

/** Runs cases [from, to) in one worker, restarting after a hang; resolves with findings. */
function runSlice(protocol, from, to, out) {
  return new Promise((resolve) => {
    const shared = new SharedArrayBuffer(6 * 4);
    const c = new Int32Array(shared);
    const w = startWorker({ protocol, from, to, base, shared });
    let last = -1;
    let lastChange = Date.now();
    const timer = setInterval(() => {
      const done = Atomics.load(c, 1);
      if (done !== last) {
        last = done;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > HANG_MS) {
        clearInterval(timer);
        const at = Atomics.load(c, 0);
        out.hangs.push({ index: at, seed: null });
        void w.terminate().then(() => {
          add(out, c);
          out.cases += 1;
          runSlice(protocol, at + 1, to, out).then(resolve);
        });
      }
    }, 500);
    w.on('message', (m) => {
      if (m.crash && out.crashSeeds.length < 10) out.crashSeeds.push(m.crash);
      if (m.finding && out.findings.filter((f) => f.lost > 0 === m.finding.lost > 0).length < 5) out.findings.push(m.finding);
      if (m.done) {
        clearInterval(timer);
        add(out, c);
        void w.terminate().then(resolve);
      }
    });
    w.on('error', (e) => {
      clearInterval(timer);
      add(out, c);
      out.crashes += 1;
      out.crashSeeds.push({ index: Atomics.load(c, 0), error: `worker died: ${e.message}` });
      const at = Atomics.load(c, 0);
      runSlice(protocol, at + 1, to, out).then(resolve);
    });
  });
}

function add(out, c) {
  out.cases += c[1];
  out.good += c[2];
  out.lost += c[3];
  out.accepted += c[4];
  out.crashes += c[5];
}

async function main() {
  const list = only ? [only] : PROTOCOLS;
  const rows = [];
  let failed = false;
  const started = Date.now();
  for (const protocol of list) {
    const out = { cases: 0, good: 0, lost: 0, accepted: 0, crashes: 0, crashSeeds: [], hangs: [], findings: [] };
    const t0 = Date.now();
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
    const per = Math.ceil(cases / workers);
    const slices = [];
    for (let w = 0; w < workers; w++) {
      const from = w * per;
      const to = Math.min(cases, from + per);
      if (from < to) slices.push(runSlice(protocol, from, to, out));
    }
    await Promise.all(slices);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const pi = PROTOCOLS.indexOf(protocol);
    // Hang seeds are the case seeds of the indices the watchdog gave up on.
    const hangs = out.hangs.map((h) => ({ index: h.index, seed: caseSeedJs(base, pi, h.index) }));
    const row = {
      protocol,
      cases: out.cases,
      crashes: out.crashes,
      hangs: hangs.length,
      goodFramesLost: out.lost,
      badFramesAccepted: out.accepted,
      goodFrames: out.good,
      peakRssMB: Math.round(peak / 1048576),
      maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      seconds: Math.round((Date.now() - t0) / 100) / 10,
      crashSeeds: out.crashSeeds,
      hangSeeds: hangs,
      findings: out.findings,
    };
    console.log(JSON.stringify(row));
    rows.push(row);
    if (out.crashes > 0 || hangs.length > 0) failed = true;
  }
  console.log('\nprotocol       cases  crashes  hangs  good frames lost  bad frames accepted  peak RSS MB  seconds');
  for (const r of rows) {
    console.log(
      `${r.protocol.padEnd(12)} ${String(r.cases).padStart(8)} ${String(r.crashes).padStart(8)} ${String(r.hangs).padStart(6)} ${String(r.goodFramesLost).padStart(17)} ${String(r.badFramesAccepted).padStart(20)} ${String(r.peakRssMB).padStart(12)} ${String(r.seconds).padStart(8)}`,
    );
  }
  console.log(`total ${Math.round((Date.now() - started) / 1000)} s; reproduce a case: npm run fuzz -- --protocol P --case SEED`);
  if (failed) process.exitCode = 1;
}

/** Same as caseSeed in fuzz-case.ts (kept in step; the worker uses that one). */
function caseSeedJs(b, protocolIndex, index) {
  return (Math.imul(b ^ (protocolIndex * 0x5bd1e995), 0x9e3779b1) + Math.imul(index, 0x85ebca6b)) >>> 0;
}
