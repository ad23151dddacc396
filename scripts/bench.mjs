// `npm run bench [name…]`: runs each benchmark under test/bench/ (or only those named) one after
// another, so they do not compete for the two cores, and prints their figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const wanted = process.argv.slice(2);
const benches = readdirSync('test/bench')
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => wanted.length === 0 || wanted.some((name) => file.includes(name)))
  .sort();

if (benches.length === 0) {
  console.error(`No benchmark matches ${wanted.join(', ')}`);
  process.exit(1);
}

const build = spawnSync('npx', ['tsc', '-b', 'server'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

let failures = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const run = spawnSync('npx', ['tsx', `test/bench/${bench}`], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  if (run.status !== 0) failures += 1;
}
process.exit(failures > 0 ? 1 : 0);
