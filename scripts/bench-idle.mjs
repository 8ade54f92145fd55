// `npm run bench:idle`: the memory of an idle gateway as a user starts it with no configuration
// (a simulated DSMR meter, the embedded broker, the web UI). Samples the process's RSS once a
// second and prints one JSON line per run:
//   {"where","node","seconds","rssMb","peakRssMb","anonMb","fileMb","cpuPercent"}
// cpuPercent is of one core from the 10th second on; rssMb is the median of the last 5 samples (V8's memory reducer runs ~8 s after the start),
// anonMb/fileMb split the last sample into the process's own memory and the pages of the node
// binary and libraries it touched (/proc/PID/smaps_rollup).
//   node scripts/bench-idle.mjs [--seconds 30] [--runs 1] [--bundle smi.js] [--node BINARY]
//     [--node-args "..."]      the workspace bundle on this (or another) node, free ports
//   node scripts/bench-idle.mjs --image smart-meter-interop   the Docker image's own default
//     command (its node, its flags), in its own container; needs a running Docker engine
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root } from './bench-bundle.mjs';
import { arg, cpuTicks, freePort, kb, median, rssMb } from './bench-proc.mjs';

const SECONDS = Number(arg('seconds', '30'));
const RUNS = Number(arg('runs', '1'));
const IMAGE = arg('image', undefined);
const BUNDLE = resolve(arg('bundle', join(root, 'packages/gateway/dist/smi.js')));
const NODE = arg('node', process.execPath);
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);
/** CPU is counted from here on (the start's own work is not idling). */
const STEADY = 10;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts the gateway; returns its pid, a stop function and a description. */
async function start(dir) {
  if (IMAGE !== undefined) {
    const name = `smi-bench-idle-${process.pid}`;
    const run = spawnSync('docker', ['run', '-d', '--rm', '--name', name, IMAGE], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`docker run failed: ${run.stderr}`);
    await sleep(300);
    const pid = Number(spawnSync('docker', ['inspect', '-f', '{{.State.Pid}}', name], { encoding: 'utf8' }).stdout.trim());
    const version = spawnSync('docker', ['exec', name, 'node', '--version'], { encoding: 'utf8' }).stdout.trim();
    const alive = () => {
      if (spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', name], { encoding: 'utf8' }).stdout.trim() !== 'true') {
        throw new Error(`the container ended: ${spawnSync('docker', ['logs', '--tail', '20', name], { encoding: 'utf8' }).stderr}`);
      }
    };
    return { pid, node: version, where: `image ${IMAGE}`, alive, stop: () => spawnSync('docker', ['rm', '-f', name]) };
  }
  // the embedded defaults, on free ports (1883 and 8080 may be taken on this machine)
  const cfg = join(dir, 'idle.yaml');
  writeFileSync(
    cfg,
    `stateDir: ${join(dir, 'state')}\nmqtt: { embeddedBroker: { port: ${await freePort()}, host: 127.0.0.1 } }\nweb: { port: ${await freePort()}, host: 127.0.0.1 }\n`,
  );
  const proc = spawn(NODE, [...NODE_ARGS, BUNDLE, 'run', '-c', cfg], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const gw = { err: '', exit: undefined };
  proc.stderr.on('data', (d) => (gw.err = (gw.err + d).slice(-2000)));
  proc.on('exit', (code, signal) => (gw.exit = { code, signal }));
  const version = spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return {
    pid: proc.pid,
    node: version,
    where: `${BUNDLE.replace(root, '')}${NODE_ARGS.length ? ' ' + NODE_ARGS.join(' ') : ''}`,
    alive: () => {
      if (gw.exit !== undefined) throw new Error(`the gateway ended (${JSON.stringify(gw.exit)}): ${gw.err}`);
    },
    stop: () => proc.kill('SIGTERM'),
  };
}

for (let run = 0; run < RUNS; run++) {
  const dir = mkdtempSync(join(tmpdir(), 'smi-bench-idle-'));
  const gw = await start(dir);
  try {
    const samples = [];
    let c0 = 0;
    for (let s = 0; s < SECONDS; s++) {
      if (s === STEADY) c0 = cpuTicks(gw.pid);
      await sleep(1000);
      gw.alive();
      samples.push(rssMb(gw.pid));
    }
    const c1 = cpuTicks(gw.pid);
    const rollup = readFileSync(`/proc/${gw.pid}/smaps_rollup`, 'utf8');
    const round = (x) => Math.round(x * 10) / 10;
    console.log(
      JSON.stringify({
        where: gw.where,
        node: gw.node,
        seconds: SECONDS,
        rssMb: round(median(samples.slice(-5))),
        peakRssMb: round(Math.max(...samples)),
        anonMb: round(kb(rollup, 'Anonymous') / 1024),
        fileMb: round((kb(rollup, 'Rss') - kb(rollup, 'Anonymous')) / 1024),
        cpuPercent: round((c1 - c0) / (SECONDS - STEADY)),
      }),
    );
  } finally {
    gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
