// `npm test`: every test project (shared, server, consoles, integration incl. browser tests).
// Builds first (integration tests spawn the built CLIs and serve the built consoles), type-checks
// what the build does not compile, then runs vitest and ends with one plain summary line
// `N passed, N failed` that CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { ensureSystemDeps } from './system-deps.mjs';

const resultsFile = '.vitest-results.json';

ensureSystemDeps();

const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('Build failed; no tests were run.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Types are part of the test: the consoles and the tests are not compiled by the build above.
const typecheck = spawnSync('npx', ['tsc', '-p', 'agent-console', '--noEmit'], { stdio: 'inherit' }).status === 0
  && spawnSync('npx', ['tsc', '-p', 'supervisor-dashboard', '--noEmit'], { stdio: 'inherit' }).status === 0
  && spawnSync('npx', ['tsc', '-p', 'test', '--noEmit'], { stdio: 'inherit' }).status === 0;
if (!typecheck) console.error('Type check failed (counted as one failed test).');

rmSync(resultsFile, { force: true });
const vitest = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

if (!existsSync(resultsFile)) {
  console.log(`0 passed, ${typecheck ? 1 : 2} failed`);
  process.exit(vitest.status || 1);
}
const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
const failedSuites = (results.testResults ?? []).filter(
  (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
).length;
const passed = results.numPassedTests ?? 0;
const failed = (results.numFailedTests ?? 0) + failedSuites + (typecheck ? 0 : 1);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || vitest.status !== 0 ? 1 : 0);
