/**
 * One store per directory: a lock file holding the owner's pid (and, on Linux, the owner's start
 * time). A lock left by a process that no longer runs (kill -9) is taken over; a live owner makes
 * opening fail.
 *
 * The start time matters because pids are reused: in a container restarted after a crash the
 * old store's pid often belongs to another live process (the shell or npm that started the new
 * one). Without it such a stale lock would look held forever.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'store.lock';
const heldInThisProcess = new Set<string>();

/** The process's start time in clock ticks since boot (Linux `/proc/<pid>/stat` field 22), when known. */
export function processStartTicks(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid that wrote `contents` if that very process still runs (not another that reuses its pid). */
function liveOwnerOf(contents: string): number | undefined {
  const [pidText, startTicks] = contents.split('\n');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid === process.pid || !isAlive(pid)) return undefined;
  if (startTicks) {
    const current = processStartTicks(pid);
    if (current !== undefined && current !== startTicks.trim()) return undefined;
  }
  return pid;
}

export function acquireLock(dbPath: string): () => void {
  const file = path.resolve(dbPath, LOCK_FILE);
  if (heldInThisProcess.has(file)) throw new Error(`${file}: the store directory is already open in this process`);
  const contents = `${process.pid}\n${processStartTicks(process.pid) ?? ''}\n`;
  // Created exclusively, so two stores starting at once cannot both believe they hold it.
  for (let attempt = 0; ; attempt += 1) {
    try {
      fs.writeFileSync(file, contents, { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = liveOwnerOf(readIfPresent(file));
    if (owner !== undefined || attempt > 0) {
      throw new Error(`${file}: the store directory is in use by another process${owner !== undefined ? ` (pid ${owner})` : ''}`);
    }
    fs.rmSync(file, { force: true });
  }
  heldInThisProcess.add(file);
  return () => {
    heldInThisProcess.delete(file);
    fs.rmSync(file, { force: true });
  };
}

function readIfPresent(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
