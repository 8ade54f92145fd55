/**
 * `npm run bench`: decoder throughput on distinct generated inputs, ours and the npm peers on the
 * same inputs in the same process, timed in alternating runs; medians, spread and ratios.
 * Arguments select suites (dsmr, sml, d0, dlms, mbus); `--json FILE` also writes the figures.
 */
import { writeFileSync } from 'node:fs';
import * as d0 from './d0.bench';
import * as dlms from './dlms.bench';
import * as dsmr from './dsmr.bench';
import { configure, results } from './harness';
import * as mbus from './mbus.bench';
import * as sml from './sml.bench';

const suites: Record<string, { run(): void }> = { dsmr, sml, d0, dlms, mbus };
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const json = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const quick = args.includes('--quick');
if (quick) configure(5, 150);
const only = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
console.log(`Smart Meter Interop decoder benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, suite] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  suite.run();
}
if (json !== undefined) writeFileSync(json, JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
