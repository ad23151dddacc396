/**
 * One store per directory: a lock file holding the owner's pid. A lock left by a process that
 * no longer runs (kill -9) is taken over; a live owner makes opening fail.
 */
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'store.lock';
const heldInThisProcess = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dbPath: string): () => void {
  const file = path.resolve(dbPath, LOCK_FILE);
  if (heldInThisProcess.has(file)) throw new Error(`${file}: the store directory is already open in this process`);
  try {
    const existing = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(existing) && existing !== process.pid && isAlive(existing)) {
      throw new Error(`${file}: the store directory is in use by another process (pid ${existing})`);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  fs.writeFileSync(file, `${process.pid}\n`);
  heldInThisProcess.add(file);
  return () => {
    heldInThisProcess.delete(file);
    fs.rmSync(file, { force: true });
  };
}
