// Sums the jest result files of all packages into one closing line: "N passed, N failed".
import { existsSync, readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
let passed = 0;
let failed = 0;
let skipped = 0;
for (const [p, name] of [
  ['model', '.jest-results.json'],
  ['decoder', '.jest-results.json'],
  ['templates', '.jest-results.json'],
  ['discovery', '.jest-results.json'],
  ['gateway', '.jest-results.json'],
  ['gateway', '.jest-docker-results.json'],
]) {
  const file = `${root}/packages/${p}/${name}`;
  if (!existsSync(file)) {
    console.log(`${p}: no test results (its tests did not run)`);
    failed++;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
  skipped += r.numPendingTests;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
