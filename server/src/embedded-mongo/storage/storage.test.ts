import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openStorage, type OpenStorage } from './storage.js';
import { CorruptFileError } from './record-file.js';
import { captureStore, writeSnapshot } from './snapshot.js';
import { Store } from './store.js';
import { removeExpired } from './ttl-monitor.js';

const logger = pino({ level: 'silent' });
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-journal-'));
  dirs.push(dir);
  return dir;
}

const open = (dbPath: string, compactAfterBytes?: number) =>
  openStorage({ dbPath, logger, ttlMonitorIntervalMs: 60_000, ...(compactAfterBytes ? { compactAfterBytes } : {}) });

function insertMany(storage: OpenStorage, count: number, from = 0): void {
  const calls = storage.store.ensureCollection('crm', 'calls');
  for (let i = from; i < from + count; i += 1) storage.store.insert(calls, { _id: i, pad: 'x'.repeat(100) });
  storage.flush();
}

const journals = (dir: string) => fs.readdirSync(dir).filter((f) => f.startsWith('journal-')).sort();

/** A closed store directory whose journal holds `count` inserts, and that journal's path. */
async function journalAfterInserts(count: number): Promise<{ dir: string; file: string }> {
  const dir = tempDir();
  const storage = await open(dir);
  insertMany(storage, count);
  await storage.close();
  return { dir, file: path.join(dir, journals(dir).at(-1) as string) };
}

describe('journal and recovery', () => {
  it('replays the journal after a crash (no close)', async () => {
    const dir = tempDir();
    const crashed = await open(dir);
    insertMany(crashed, 10);
    const calls = crashed.store.getCollection('crm', 'calls');
    crashed.store.replace(calls!, calls!.getById(3)!, { _id: 3, changed: true });
    crashed.store.remove(calls!, calls!.getById(4)!);
    crashed.flush();
    const recovered = await open(copyAsLeftByCrash(dir));
    const coll = recovered.store.getCollection('crm', 'calls');
    expect(coll?.count).toBe(9);
    expect(coll?.getById(3)?.doc).toEqual({ _id: 3, changed: true });
    await recovered.close();
    await crashed.close();
  });

  it('drops a torn record at the end and keeps appending after it', async () => {
    const { dir, file } = await journalAfterInserts(5);
    const intact = fs.statSync(file).size;
    fs.appendFileSync(file, Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5, 6]));
    const second = await open(dir);
    expect(second.store.getCollection('crm', 'calls')?.count).toBe(5);
    expect(fs.statSync(file).size).toBe(intact);
    insertMany(second, 1, 5);
    await second.close();
    const third = await open(dir);
    expect(third.store.getCollection('crm', 'calls')?.count).toBe(6);
    await third.close();
  });

  it('treats a bad checksum on the last record as a torn tail', async () => {
    const { dir, file } = await journalAfterInserts(3);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const second = await open(dir);
    expect(second.store.getCollection('crm', 'calls')?.count).toBe(2);
    await second.close();
  });

  it('treats zeros at the end of the journal (a power loss before the blocks were written) as a torn tail', async () => {
    const { dir, file } = await journalAfterInserts(3);
    const intact = fs.statSync(file).size;
    const bytes = fs.readFileSync(file);
    // The last record's end never reached the disk, and the file was extended by zeros past it.
    bytes.fill(0, bytes.length - 20);
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(4096)]));
    const second = await open(dir);
    expect(second.store.getCollection('crm', 'calls')?.count).toBe(2);
    expect(fs.statSync(file).size).toBeLessThan(intact);
    await second.close();
  });

  it('refuses zero-length records followed by data rather than reading them as intact', async () => {
    const { dir, file } = await journalAfterInserts(3);
    const bytes = fs.readFileSync(file);
    // Eight zero bytes pass a naive check (length 0, crc32 of nothing is 0); a record follows them.
    fs.writeFileSync(file, Buffer.concat([bytes.subarray(0, 8), Buffer.alloc(8), bytes.subarray(8)]));
    await expect(open(dir)).rejects.toThrow(CorruptFileError);
  });

  it('refuses to open when a record in the middle fails its checksum', async () => {
    const { dir, file } = await journalAfterInserts(20);
    const bytes = fs.readFileSync(file);
    bytes[200] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await expect(open(dir)).rejects.toThrow(CorruptFileError);
    await expect(open(dir)).rejects.toThrow(path.basename(file));
    // Refusing must not take the lock for good.
    expect(fs.existsSync(path.join(dir, 'store.lock'))).toBe(false);
  });

  it('compacts the journal into a snapshot and restores from it', async () => {
    const dir = tempDir();
    const storage = await open(dir, 20_000);
    const calls = storage.store.ensureCollection('crm', 'calls');
    storage.store.createIndex(calls, { v: 2, key: { pad: 1 }, name: 'pad_1' });
    insertMany(storage, 400);
    await storage.compact();
    insertMany(storage, 10, 400);
    await storage.close();
    const files = fs.readdirSync(dir).sort();
    expect(files.filter((f) => f.startsWith('snapshot-'))).toHaveLength(1);
    expect(files.some((f) => f === 'journal-00000001.log')).toBe(false);
    const reopened = await open(dir);
    const restored = reopened.store.getCollection('crm', 'calls');
    expect(restored?.count).toBe(410);
    expect(restored?.indexes.get('pad_1')?.size).toBe(410);
    await reopened.close();
  });

  it('keeps serving and changing documents after a compaction re-encoded them', async () => {
    const dir = tempDir();
    const storage = await open(dir);
    const calls = storage.store.ensureCollection('crm', 'calls');
    storage.store.createIndex(calls, { v: 2, key: { n: 1 }, name: 'n_1', unique: true });
    for (let i = 0; i < 300; i += 1) storage.store.insert(calls, { _id: i, n: i, tags: ['a', `t${i}`] });
    storage.flush();
    await storage.compact();
    expect(calls.getById(7)?.doc).toEqual({ _id: 7, n: 7, tags: ['a', 't7'] });
    storage.store.replace(calls, calls.getById(8)!, { _id: 8, n: 1008, tags: [] });
    storage.store.remove(calls, calls.getById(9)!);
    expect(calls.indexes.get('n_1')?.findEqual([8])).toBeUndefined();
    expect(calls.indexes.get('n_1')?.findEqual([1008])?.doc._id).toBe(8);
    storage.flush();
    await storage.close();
    const reopened = await open(dir);
    const restored = reopened.store.getCollection('crm', 'calls');
    expect(restored?.count).toBe(299);
    expect(restored?.getById(8)?.doc).toEqual({ _id: 8, n: 1008, tags: [] });
    expect(restored?.getById(299)?.doc).toEqual({ _id: 299, n: 299, tags: ['a', 't299'] });
    await reopened.close();
  });

  it('replays a collection rename', async () => {
    const dir = tempDir();
    const storage = await open(dir);
    insertMany(storage, 5);
    storage.store.renameCollection('crm', 'calls', 'archive', 'calls_2025', false);
    storage.flush();
    await storage.close();
    const reopened = await open(dir);
    expect(reopened.store.getCollection('crm', 'calls')).toBeUndefined();
    expect(reopened.store.getCollection('archive', 'calls_2025')?.count).toBe(5);
    await reopened.close();
  });

  it('ignores an unfinished snapshot left by a crash during compaction', async () => {
    const dir = tempDir();
    const storage = await open(dir);
    insertMany(storage, 7);
    await storage.close();
    fs.writeFileSync(path.join(dir, 'snapshot-00000009.bson.tmp'), 'half written');
    const reopened = await open(dir);
    expect(reopened.store.getCollection('crm', 'calls')?.count).toBe(7);
    expect(fs.existsSync(path.join(dir, 'snapshot-00000009.bson.tmp'))).toBe(false);
    await reopened.close();
  });

  it('removes its partial file when writing a snapshot fails', async () => {
    const dir = tempDir();
    const circular: Record<string, unknown> = { _id: 2 };
    circular.self = circular;
    // Straight into the collection: a document BSON cannot encode, so the snapshot fails midway.
    const store = new Store();
    const calls = store.ensureCollection('crm', 'calls');
    calls.insert({ _id: 1 });
    calls.insert(circular);
    const file = path.join(dir, 'snapshot-00000002.bson');
    await expect(writeSnapshot(file, captureStore(store))).rejects.toThrow();
    expect(fs.readdirSync(dir)).toEqual([]);
    // The failed snapshot no longer guards the collection's records.
    expect(calls.snapshotGuard).toBeNull();
  });

  it('waits for fsync when asked (j: true) and resolves every waiter of one group commit', async () => {
    const dir = tempDir();
    const storage = await open(dir);
    insertMany(storage, 1);
    const first = storage.sync();
    insertMany(storage, 1, 1);
    await Promise.all([first, storage.sync()]);
    await storage.close();
  });
});

describe('TTL monitor', () => {
  it('removes documents whose indexed date is older than expireAfterSeconds', async () => {
    const dir = tempDir();
    const storage = await open(dir);
    const leases = storage.store.ensureCollection('crm', 'leases');
    storage.store.createIndex(leases, { v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 });
    const now = new Date('2026-03-02T10:00:00Z');
    storage.store.insert(leases, { _id: 'old', at: new Date('2026-03-02T09:58:00Z') });
    storage.store.insert(leases, { _id: 'fresh', at: new Date('2026-03-02T09:59:30Z') });
    storage.store.insert(leases, { _id: 'no-date', at: 'soon' });
    expect(removeExpired(storage.store, now)).toBe(1);
    expect([...leases.byId.values()].map((rec) => rec.doc._id).sort()).toEqual(['fresh', 'no-date']);
    await storage.close();
  });
});

/** What a crash leaves: the files as written so far, without a clean close (and a stale lock). */
function copyAsLeftByCrash(dir: string): string {
  const copy = tempDir();
  for (const file of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, file), path.join(copy, file));
  fs.writeFileSync(path.join(copy, 'store.lock'), '999999999\n');
  return copy;
}
