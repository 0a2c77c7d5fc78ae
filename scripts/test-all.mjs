#!/usr/bin/env node
// `npm test`: every test tier that exists, in order, then one closing line
// "N passed, N failed" that counts the unit/integration tests and the simulation as one.
//   1. unit tests (vitest, in parallel)
//   2. integration tests (vitest, one file at a time: real servers, databases, ptys)
//   3. end-to-end tests: the screens built (vite), then driven in headless Chromium (tests/e2e)
//   4. convergence simulation, fixed seed, 200 runs (tests/sim)
//   5. device fuzzing, fixed seed, 3,000 iterations (tests/fuzz)
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';

const results = 'tests/.results';
mkdirSync(results, { recursive: true });
let passed = 0;
let failed = 0;

for (const project of ['unit', 'integration', 'e2e']) {
  if (project === 'e2e' && spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' }).status !== 0) {
    failed += 1; // the screens do not build: no e2e test can run
    continue;
  }
  const out = `${results}/vitest-${project}.json`;
  // One integration file at a time (the flag, not only the project option, decides this).
  const serial = project !== 'unit' ? ['--no-file-parallelism'] : [];
  const vitest = spawnSync('npx', ['vitest', 'run', '--project', project, ...serial, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], {
    stdio: 'inherit',
  });
  let counted = false;
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numTotalTests === 0 ? 1 : 0);
    counted = report.numFailedTests > 0 || report.numTotalTests === 0;
  } catch {
    failed += 1; // no report: vitest itself failed
    counted = true;
  }
  if (vitest.status !== 0 && !counted) failed += 1;
}

const sim = spawnSync('node', ['--import', 'tsx', 'tests/sim/run.ts', '--seed', process.env.SIM_SEED ?? '20261122', '--runs', process.env.SIM_RUNS ?? '200'], {
  stdio: 'inherit',
});
if (sim.status === 0) passed += 1;
else failed += 1;

// 5. fuzz: random and mutated bytes into every device framer, parser and driver, fixed seed (tests/fuzz)
const fuzz = spawnSync('node', ['--import', 'tsx', 'tests/fuzz/run.ts', '--seed', process.env.FUZZ_SEED ?? '20261207', '--iterations', process.env.FUZZ_ITERATIONS ?? '3000'], {
  stdio: 'inherit',
});
if (fuzz.status === 0) passed += 1;
else failed += 1;

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
