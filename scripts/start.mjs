// `npm start`: builds what is missing or stale, then runs the server (embedded by default).
//   1. `tsc -b server` (incremental: shared + server)
//   2. `vite build` for each console whose dist is missing or older than its sources or shared/src
//   3. `node server/dist/main.js`, forwarding SIGINT/SIGTERM so shutdown is graceful.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const startedAt = Date.now();
const say = (message) => console.log(`[start] ${message}`);

function run(command, args, label) {
  say(label);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return result.status ?? 1;
}

/** Newest modification time under the given files/folders (skipping node_modules and dist). */
function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(path)) {
        if (entry === 'node_modules' || entry === 'dist' || entry.startsWith('.')) continue;
        visit(join(path, entry));
      }
    } else if (stats.mtimeMs > newest) {
      newest = stats.mtimeMs;
    }
  };
  paths.forEach((path) => visit(join(root, path)));
  return newest;
}

// 1. Server (and shared). tsc -b only recompiles what changed.
const tscStatus = run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'server'], 'Compiling the server (tsc -b server)…');
if (tscStatus !== 0) {
  if (!existsSync(join(root, 'server/dist/main.js'))) {
    console.error('[start] The server did not compile; see the errors above.');
    process.exit(1);
  }
  console.warn('[start] TypeScript reported errors (above); starting the emitted build anyway. Run `npm run typecheck`.');
}

// 2. Consoles, only when their build is missing or older than their sources.
for (const app of ['agent-console', 'supervisor-dashboard']) {
  const builtIndex = join(root, app, 'dist/index.html');
  const sourcesChanged = newestMtime([`${app}/src`, `${app}/index.html`, `${app}/vite.config.ts`, 'shared/src']);
  const isFresh = existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sourcesChanged;
  if (isFresh) {
    say(`${app} is up to date`);
    continue;
  }
  const status = run('npm', ['run', 'build', '--silent', '-w', app], `Building ${app} (vite build)…`);
  if (status !== 0) {
    console.error(`[start] Building ${app} failed; the server will show a "not built" page for it.`);
  }
}

// 3. The server. It runs in its own process group so a terminal's Ctrl-C reaches it once, via us.
say(`Build step took ${((Date.now() - startedAt) / 1000).toFixed(1)} s; starting the server…`);
const server = spawn(process.execPath, [join(root, 'server/dist/main.js')], { cwd: process.cwd(), stdio: 'inherit', detached: true });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (server.exitCode === null) server.kill(signal === 'SIGHUP' ? 'SIGTERM' : signal);
  });
}
process.on('exit', () => {
  if (server.exitCode === null) server.kill('SIGTERM');
});
server.on('exit', (code, signal) => {
  process.exit(code ?? (signal ? 1 : 0));
});
