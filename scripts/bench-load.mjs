// `npm run bench:load`: the gateway under load. N simulated meters (DSMR, SML and D0 push in turn,
// distinct generated frames, 1 frame/s each, phases spread over the second) serve their frames on
// TCP ports of this script; one gateway (packages/gateway/dist/smi.js run) reads them all and
// publishes to a Mosquitto started here; a subscriber measures the latency from the write of a
// frame's last byte to the broker's delivery of the state message that carries its values.
// Prints one JSON line per N: {"meters","seconds","cpuPercent","rssMb","rssMedianMb","delivered","expected","p50Ms","p99Ms"}
// (rssMb the peak, rssMedianMb the median of the once-a-second samples).
// With --runs R (default 1) every N is measured R times and a summary line follows the runs
// (medians as bench-proc.mjs takes them: of an even count, the upper middle figure):
// {"meters","bundle","file","runs","cpuPercent":{"median","min","max"},"rssMb":{…},"rssMedianMb":{…},"p99Ms":{…},"delivered","expected"}.
// --compare OTHER.js measures a second bundle too, its runs interleaved with the first's (A, B, A,
// B…: the machine's load changes over minutes); each line then says "bundle": "a" or "b".
//   node scripts/bench-load.mjs [--meters 100,1000] [--seconds 30] [--warmup 15] [--broker-nodelay 1] [--bundle smi.js]
//   [--node-args "--cpu-prof --cpu-prof-dir=DIR"] (extra node options for the gateway process)
//   [--node BINARY] (the node that runs the gateway, e.g. the image's Node 24; default this one)
//   [--qos 0|1|2] (the gateway's mqtt.qos for state messages; default: the configuration's default)
//   [--runs R] [--compare OTHER_BUNDLE]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bundle, bundleEnv, root } from './bench-bundle.mjs';
import { arg, cpuTicks, freePort, median, rssMb } from './bench-proc.mjs';

const require = createRequire(import.meta.url);
const mqtt = require('mqtt');
const COUNTS = arg('meters', '100,1000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '30'));
const WARMUP = Number(arg('warmup', '15'));
const BROKER_NODELAY = arg('broker-nodelay', '1') === '1';
const BUNDLE = resolve(arg('bundle', join(root, 'packages/gateway/dist/smi.js')));
const NODE_ARGS = arg('node-args', '').split(' ').filter(Boolean);
const NODE = arg('node', process.execPath);
const QOS = arg('qos', undefined);
const RUNS = Number(arg('runs', '1'));
const COMPARE = arg('compare', undefined) === undefined ? undefined : resolve(arg('compare'));
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs: a whole number from 1, not ${arg('runs')}`);
if (QOS !== undefined && !['0', '1', '2'].includes(QOS)) throw new Error(`--qos: 0, 1 or 2, not ${QOS}`);
const PROTOCOLS = ['dsmr', 'sml', 'd0'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MAX_METERS = 1000; // the configuration's limit (packages/gateway/src/config/schema.ts)

/** Frames per meter, made by the generator (one seed per meter: no two meters alike). */
function framesFor(gen, dir, protocol, seed, n) {
  const file = join(dir, `${protocol}-${seed}.bin`);
  const r = spawnSync(process.execPath, [gen, '--protocol', protocol, '--frames', String(n), '--seed', String(seed), '--out', file], {
    cwd: root,
    env: bundleEnv,
  });
  if (r.status !== 0) throw new Error(`gen-frames failed: ${r.stderr}`);
  return readFileSync(file);
}

/** Splits a capture into its frames. */
function split(protocol, bytes) {
  const out = [];
  if (protocol === 'sml') {
    const start = Buffer.from('1b1b1b1b01010101', 'hex');
    for (let at = bytes.indexOf(start); at >= 0;) {
      const next = bytes.indexOf(start, at + 8);
      out.push(bytes.subarray(at, next < 0 ? bytes.length : next));
      at = next;
    }
  } else {
    const text = bytes.toString('latin1');
    const end = protocol === 'dsmr' ? /!([0-9A-F]{4})\r\n/g : /!\r\n/g;
    let from = 0;
    for (let m = end.exec(text); m; m = end.exec(text)) {
      out.push(bytes.subarray(from, m.index + m[0].length));
      from = m.index + m[0].length;
    }
  }
  return out;
}

/** Child processes still running: killed when this script ends, also when a run fails. */
const children = new Set();
process.on('exit', () => children.forEach((c) => c.kill()));
function live(child) {
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

async function listen(server) {
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

async function runLoad(n, frames, dir, bundlePath) {
  // broker
  const brokerPort = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${brokerPort} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay ${BROKER_NODELAY}\nmax_queued_messages 100000\n`);
  const broker = live(spawn('mosquitto', ['-c', conf], { stdio: 'ignore' }));
  await sleep(500);
  // meters: one TCP server each; the gateway connects as a client
  const meters = [];
  for (let i = 0; i < n; i++) {
    const protocol = PROTOCOLS[i % 3];
    const meter = { id: `load${i}`, protocol, frames: frames[i % 3], k: 0, last: undefined, sockets: new Set() };
    meter.server = createServer((s) => {
      s.setNoDelay(true);
      meter.sockets.add(s);
      s.on('close', () => meter.sockets.delete(s));
      s.on('error', () => undefined);
    });
    meter.port = await listen(meter.server);
    meters.push(meter);
  }
  // one gateway takes at most MAX_METERS meters (configuration limit): more run as several
  // gateways with their own installId and baseTopic, and their CPU and RSS are added up
  const gateways = [];
  for (let g = 0; g * MAX_METERS < n; g++) {
    const part = meters.slice(g * MAX_METERS, (g + 1) * MAX_METERS);
    const cfg = join(dir, `gateway-${n}-${g}.yaml`);
    const yaml = [
      'logLevel: warn',
      `installId: load${g}`,
      `stateDir: ${join(dir, `state${g}`)}`,
      'web: { enabled: false }',
      `mqtt: { url: "mqtt://127.0.0.1:${brokerPort}", baseTopic: load${g}${QOS === undefined ? '' : `, qos: ${QOS}`} }`,
      'meters:',
      ...part.map(
        (m) =>
          `  - { name: ${m.id}, id: ${m.id}, protocol: ${m.protocol === 'd0' ? 'iec62056-21' : m.protocol}, transport: { type: tcp, host: 127.0.0.1, port: ${m.port} }${m.protocol === 'd0' ? ', iec62056: { mode: push }' : ''} }`,
      ),
    ].join('\n');
    writeFileSync(cfg, yaml + '\n');
    const gw = {
      proc: spawn(NODE, [...NODE_ARGS, bundlePath, 'run', '-c', cfg], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] }),
      err: '',
      exit: undefined,
    };
    gw.proc.stderr.on('data', (d) => (gw.err = (gw.err + d).slice(-2000)));
    gw.proc.on('exit', (code, signal) => (gw.exit = { code, signal }));
    gateways.push(gw);
    live(gw.proc);
  }
  const alive = () => {
    for (const gw of gateways) if (gw.exit !== undefined) throw new Error(`a gateway ended (${JSON.stringify(gw.exit)}): ${gw.err}`);
  };
  // subscriber: latency from the frame's last byte to delivery
  const latencies = [];
  let measuring = false;
  let delivered = 0;
  const byId = new Map(meters.map((m) => [m.id, m]));
  const sub = mqtt.connect(`mqtt://127.0.0.1:${brokerPort}`);
  await new Promise((r) => sub.on('connect', r));
  sub.stream.setNoDelay(true);
  sub.subscribe('+/+/state');
  sub.on('message', (topic, payload) => {
    const now = performance.now();
    const m = byId.get(topic.split('/')[1]);
    if (!m) return;
    // frames are 1 s apart and delivered in milliseconds: a state message belongs to the meter's
    // last frame (a frame that never arrives leaves its entry to be replaced, never matched later)
    const t = m.last;
    if (t === undefined || t.acked) return;
    t.acked = true;
    if (t.measured) {
      delivered++;
      latencies.push(now - t.at);
    }
  });
  // 1 frame/s per meter, phases spread over the second
  let expected = 0;
  const timers = meters.map((m, i) =>
    setTimeout(
      () => {
        m.timer = setInterval(() => {
          const f = m.frames[m.k++ % m.frames.length];
          if (m.sockets.size === 0) return;
          for (const s of m.sockets) s.write(f);
          if (measuring) expected++;
          m.last = { at: performance.now(), measured: measuring, acked: false };
        }, 1000);
      },
      (1000 * i) / n,
    ),
  );
  await sleep(WARMUP * 1000);
  alive();
  measuring = true;
  const c0 = gateways.reduce((t, gw) => t + cpuTicks(gw.proc.pid), 0);
  let peakRss = 0;
  const rssSamples = [];
  for (let s = 0; s < SECONDS; s++) {
    await sleep(1000);
    alive();
    const rss = gateways.reduce((t, gw) => t + rssMb(gw.proc.pid), 0);
    rssSamples.push(rss);
    peakRss = Math.max(peakRss, rss);
  }
  const c1 = gateways.reduce((t, gw) => t + cpuTicks(gw.proc.pid), 0);
  measuring = false;
  await sleep(1000); // the last frames' deliveries
  timers.forEach(clearTimeout);
  meters.forEach((m) => {
    clearInterval(m.timer);
    m.sockets.forEach((s) => s.destroy());
    m.server.close();
  });
  for (const gw of gateways) gw.proc.kill('SIGTERM');
  sub.end(true);
  await Promise.all(gateways.map((gw) => (gw.exit === undefined ? new Promise((r) => gw.proc.on('exit', r)) : undefined)));
  broker.kill('SIGTERM');
  if (latencies.length === 0) throw new Error(`nothing delivered; the gateway said: ${gateways[0]?.err}`);
  latencies.sort((a, b) => a - b);
  const q = (x) => Number(latencies[Math.floor(x * (latencies.length - 1))].toFixed(1));
  return {
    meters: n,
    gateways: gateways.length,
    seconds: SECONDS,
    cpuPercent: Number(((c1 - c0) / SECONDS).toFixed(1)),
    rssMb: Math.round(peakRss),
    // the median of the once-a-second samples: the peak moves by ±50 MB with the moment of a full collection
    rssMedianMb: Math.round(median(rssSamples) ?? 0),
    delivered,
    expected,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
  };
}

/** Median, smallest and largest of some figures. */
function spread(xs) {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}

const dir = mkdtempSync(join(tmpdir(), 'smi-bench-load-'));
const gen = await bundle('packages/decoder/bench/gen/cli.ts', 'gen');
const bundles =
  COMPARE === undefined
    ? [['a', BUNDLE]]
    : [
        ['a', BUNDLE],
        ['b', COMPARE],
      ];
try {
  for (const n of COUNTS) {
    const frames = PROTOCOLS.map((p, k) => split(p, framesFor(gen, dir, p, 1000 + k, SECONDS + WARMUP + 5)));
    const results = new Map(bundles.map(([label]) => [label, []]));
    for (let r = 0; r < RUNS; r++) {
      for (const [label, path] of bundles) {
        const result = await runLoad(n, frames, dir, path);
        results.get(label).push(result);
        console.log(JSON.stringify(COMPARE === undefined ? result : { bundle: label, ...result }));
      }
    }
    if (RUNS === 1) continue;
    for (const [label, path] of bundles) {
      const rs = results.get(label);
      const sum = (k) => rs.reduce((t, x) => t + x[k], 0);
      console.log(
        JSON.stringify({
          meters: n,
          bundle: label,
          file: path.replace(root, ''),
          runs: RUNS,
          cpuPercent: spread(rs.map((x) => x.cpuPercent)),
          rssMb: spread(rs.map((x) => x.rssMb)),
          rssMedianMb: spread(rs.map((x) => x.rssMedianMb)),
          p99Ms: spread(rs.map((x) => x.p99Ms)),
          delivered: sum('delivered'),
          expected: sum('expected'),
        }),
      );
    }
  }
} finally {
  rmSync(gen, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
