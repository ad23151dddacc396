// Finds the system programs the tests drive (Chromium, redis-server). When one is missing it is
// installed with apt if we run as root; otherwise we stop with the exact command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const REQUIRED = [
  { name: 'Chromium', paths: ['/usr/bin/chromium', '/usr/bin/chromium-browser'], aptPackage: 'chromium' },
  { name: 'redis-server', paths: ['/usr/bin/redis-server', '/usr/local/bin/redis-server'], aptPackage: 'redis-server' },
];

export function findProgram(program) {
  return program.paths.find((path) => existsSync(path)) ?? null;
}

export function ensureSystemDeps({ log = console.log } = {}) {
  const missing = REQUIRED.filter((program) => !findProgram(program));
  if (missing.length === 0) return;
  const packages = missing.map((program) => program.aptPackage);
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`The tests need ${missing.map((p) => p.name).join(' and ')}. Install with:\n  sudo ${command}`);
    process.exit(1);
  }
  log(`Installing ${packages.join(', ')} with apt (needed by the tests)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
  if (install.status !== 0 || missing.some((program) => !findProgram(program))) {
    console.error(`Could not install ${packages.join(', ')}. Run:\n  ${command}`);
    process.exit(1);
  }
}
