/**
 * `npm run bench`: decoder throughput, median of 7 runs on one core, ours and the npm peers on
 * the same input in the same process.
 */
import * as d0 from './d0.bench';
import * as dlms from './dlms.bench';
import * as dsmr from './dsmr.bench';
import * as mbus from './mbus.bench';
import * as sml from './sml.bench';

const suites: Record<string, { run(): void }> = { dsmr, sml, d0, dlms, mbus };
const only = process.argv.slice(2);
console.log(`Smart Meter Interop decoder benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, suite] of Object.entries(suites)) {
  if (only.length && !only.includes(name)) continue;
  suite.run();
}
