import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, LOCK_FILE, processStartTicks } from './lock.js';

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function dirWithLock(contents: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-lock-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, LOCK_FILE), contents);
  return dir;
}

// The parent process (the test runner) is alive for the whole test: a stand-in for another store.
const livePid = process.ppid;

describe('store directory lock', () => {
  it('takes over a lock left by a process that no longer runs', () => {
    const dir = dirWithLock('999999999\n');
    const release = acquireLock(dir);
    expect(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8')).toMatch(new RegExp(`^${process.pid}\\n`));
    release();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a directory whose lock holder still runs', () => {
    const dir = dirWithLock(`${livePid}\n${processStartTicks(livePid) ?? ''}\n`);
    expect(() => acquireLock(dir)).toThrow(`in use by another process (pid ${livePid})`);
    const legacy = dirWithLock(`${livePid}\n`);
    expect(() => acquireLock(legacy)).toThrow(/in use/);
  });

  it('takes over a stale lock whose pid now belongs to another process', () => {
    // Same pid, different start time: the pid was reused after the owner died (Linux /proc).
    expect(processStartTicks(livePid)).toMatch(/^\d+$/);
    const reused = String(Number(processStartTicks(livePid)) + 1);
    const dir = dirWithLock(`${livePid}\n${reused}\n`);
    const release = acquireLock(dir);
    release();
  });

  it('refuses a second open of the same directory in one process', () => {
    const dir = dirWithLock('999999999\n');
    const release = acquireLock(dir);
    expect(() => acquireLock(dir)).toThrow(/already open/);
    release();
  });
});
