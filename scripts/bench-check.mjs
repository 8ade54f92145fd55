// `npm run bench:check`: a benchmark regression check for CI (about 30–60 s on 2 cores), not a
// timed unit test. It measures ratios, never absolute times: each figure is ours ÷ the npm peer
// measured in the same run, interleaved (so load on the machine hits both alike; DLMS and M-Bus,
// which have no npm peer, against the frozen machine reference of bench/reference.ts), and fails
// when a ratio falls more than 20 % below the committed baseline
// (packages/decoder/bench/baseline.json). A figure that fails is measured once more and the
// better of the two attempts counts, so one noisy moment does not fail the build.
// Needs the bundle (`npm run build`).
//   node scripts/bench-check.mjs [--update] [--tolerance 0.2]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle, bundleEnv, root } from './bench-bundle.mjs';
import { checkBoth, interleave, peerArgs, ROWS, smiArgs, writeCaptures } from './bench-process.mjs';

const BASELINE = join(root, 'packages/decoder/bench/baseline.json');
const i = process.argv.indexOf('--tolerance');
const TOLERANCE = i > 0 ? Number(process.argv[i + 1]) : 0.2;
const UPDATE = process.argv.includes('--update');
const LOOP_SUITES = ['dsmr', 'sml', 'd0', 'dlms', 'mbus'];
/** How each suite's titles begin (a failing figure is measured again with its suite). */
const SUITE_TITLES = { dsmr: 'DSMR', sml: 'SML', d0: 'IEC 62056-21', dlms: 'DLMS', mbus: 'M-Bus' };
// DSMR and SML: 20,000 distinct frames; D0 push: 100,000 (its 20,000 take 0.3 s, too close to the
// 10 ms resolution of the CPU times for a stable ratio)
const PROCESS_ROWS = [ROWS[0], ROWS[1], { ...ROWS[2], frames: 5 }];
const PROCESS_RUNS = 3;

if (!existsSync(join(root, 'packages/gateway/dist/smi.js'))) {
  console.error('bench:check needs packages/gateway/dist/smi.js: run `npm run build` first');
  process.exit(2);
}

const started = Date.now();
const dir = mkdtempSync(join(tmpdir(), 'smi-bench-check-'));
const loopJs = await bundle('packages/decoder/bench/index.ts', 'bench-check');

/** Loop figures: title → ratio (ours ÷ peer), from a quick run of the loop benchmark. */
function loopRatios(suites) {
  const out = join(dir, 'loop.json');
  const r = spawnSync(process.execPath, [loopJs, ...suites, '--quick', '--json', out], { cwd: root, env: bundleEnv, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error('loop benchmark failed');
  const figures = {};
  for (const c of JSON.parse(readFileSync(out, 'utf8')).results) if (c.ratio !== undefined) figures[`loop: ${c.title}`] = c.ratio;
  return figures;
}

let captures;
/** Process figures: row → ratio (peer CPU ÷ smi CPU). */
async function processRatios(names) {
  captures ??= (await writeCaptures(dir, 20000, PROCESS_ROWS)).files;
  const figures = {};
  for (const f of captures) {
    const key = `process: ${f.name}, ${f.n} frames`;
    if (names !== undefined && !names.includes(key)) continue;
    checkBoth(f);
    figures[key] = interleave(smiArgs(f.file), peerArgs(f.protocol, f.file), PROCESS_RUNS).ratio;
  }
  return figures;
}

try {
  const figures = { ...loopRatios(LOOP_SUITES), ...(await processRatios()) };
  if (UPDATE || !existsSync(BASELINE)) {
    writeFileSync(
      BASELINE,
      JSON.stringify(
        {
          note: 'ratios ours ÷ peer (higher is better), written by `npm run bench:check -- --update`',
          node: process.version,
          date: new Date().toISOString(),
          figures,
        },
        null,
        2,
      ) + '\n',
    );
    console.log(`baseline written: ${BASELINE}`);
  }
  const baseline = JSON.parse(readFileSync(BASELINE, 'utf8')).figures;
  const failing = (f) => Object.keys(baseline).filter((k) => f[k] === undefined || f[k] < baseline[k] * (1 - TOLERANCE));
  let failed = failing(figures);
  if (failed.length > 0) {
    // a second attempt for the failing figures only; the better ratio counts
    const suites = LOOP_SUITES.filter((s) => failed.some((k) => k.startsWith(`loop: ${SUITE_TITLES[s]}`)));
    const again = { ...(suites.length > 0 ? loopRatios(suites) : {}), ...(await processRatios(failed)) };
    for (const k of failed) if (again[k] !== undefined) figures[k] = Math.max(figures[k] ?? 0, again[k]);
    failed = failing(figures);
  }
  const width = Math.max(...Object.keys(baseline).map((k) => k.length));
  console.log(`${'figure (ratio ours ÷ peer or ÷ the reference)'.padEnd(width)} ${'base'.padStart(6)} ${'now'.padStart(6)}`);
  for (const k of Object.keys(baseline)) {
    const mark = failed.includes(k) ? '  FAIL' : '';
    console.log(`${k.padEnd(width)} ${baseline[k].toFixed(2).padStart(6)} ${(figures[k] ?? NaN).toFixed(2).padStart(6)}${mark}`);
  }
  console.log(
    `${failed.length === 0 ? 'ok' : `${failed.length} figure(s) more than ${TOLERANCE * 100} % below the baseline`} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(loopJs, { force: true });
}
