// Runs one of the server's command-line entry points (embedded store, PBX simulator),
// compiling the server first when its build is missing or stale (tsc -b is incremental).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const [entry, ...args] = process.argv.slice(2);
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const build = spawnSync('npx', ['tsc', '-b', 'server'], { cwd: repoRoot, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const run = spawnSync(process.execPath, [fileURLToPath(new URL(`../server/dist/${entry}`, import.meta.url)), ...args], {
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
