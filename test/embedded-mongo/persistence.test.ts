/**
 * Durability of the embedded store itself (these checks start their own store processes, so
 * they always exercise the embedded store, whatever MONGO_URL says).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../../server/src/embedded-mongo/index.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const builtCli = path.join(repoRoot, 'server/dist/embedded-mongo/cli.js');
const sourceCli = path.join(repoRoot, 'server/src/embedded-mongo/cli.ts');
const quiet = pino({ level: 'silent' });
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crm-persist-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function withClient<T>(url: string, run: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5000 });
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

/** Runs the CLI as its own process (built output when present, else from source) and waits for its URL. */
async function startCli(dbPath: string): Promise<{ child: ChildProcess; url: string }> {
  const args = ['--port', '0', '--dbpath', dbPath];
  const child = fs.existsSync(builtCli)
    ? spawn(process.execPath, [builtCli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', sourceCli, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(mongodb:\/\/[^"]+)"/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`store exited with ${code}: ${output}`)));
  });
  return { child, url };
}

function journalFiles(dbPath: string): string[] {
  return fs.readdirSync(dbPath).filter((name) => name.startsWith('journal-')).map((name) => path.join(dbPath, name));
}

describe('persistence', () => {
  it('keeps documents and indexes across a clean restart', async () => {
    const dbPath = await tempDir();
    const first = await startEmbeddedMongo({ dbPath, port: 0, logger: quiet });
    await withClient(first.url, async (client) => {
      const contacts = client.db('crm').collection('contacts');
      await contacts.createIndex({ phones: 1 }, { unique: true });
      await contacts.insertMany(Array.from({ length: 500 }, (_, i) => ({ name: `c${i}`, phones: [`+7900${String(i).padStart(7, '0')}`] })));
      await contacts.updateOne({ name: 'c1' }, { $set: { vip: true } });
      await contacts.deleteOne({ name: 'c2' });
    });
    await first.close();
    expect(first.isUp()).toBe(false);

    const second = await startEmbeddedMongo({ dbPath, port: 0, logger: quiet });
    cleanups.push(() => second.close());
    await withClient(second.url, async (client) => {
      const contacts = client.db('crm').collection('contacts');
      expect(await contacts.countDocuments()).toBe(499);
      expect(await contacts.findOne({ name: 'c1' })).toMatchObject({ vip: true });
      expect((await contacts.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'phones_1']);
      const error = await contacts.insertOne({ name: 'dup', phones: ['+79000000003'] }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 11000 });
    });
  });

  it('keeps every acknowledged write after kill -9, and drops a torn tail on recovery', async () => {
    const dbPath = await tempDir();
    const { child, url } = await startCli(dbPath);
    await withClient(url, async (client) => {
      const calls = client.db('crm').collection('calls');
      await calls.insertMany(Array.from({ length: 300 }, (_, i) => ({ i })));
      await calls.updateMany({ i: { $lt: 100 } }, { $set: { answered: true } });
      await calls.insertOne({ i: 'journaled' }, { writeConcern: { j: true } });
      await calls.insertOne({ i: 'majority' }, { writeConcern: { w: 'majority' } });
      expect(await client.db('admin').command({ fsync: 1 })).toMatchObject({ ok: 1 });
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));

    // A write cut short by the crash leaves half a record at the end of the journal.
    const [journal] = journalFiles(dbPath).sort().slice(-1);
    fs.appendFileSync(journal as string, Buffer.from([0x40, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]));

    const restarted = await startCli(dbPath);
    await withClient(restarted.url, async (client) => {
      const calls = client.db('crm').collection('calls');
      expect(await calls.countDocuments()).toBe(302);
      expect(await calls.countDocuments({ answered: true })).toBe(100);
      expect(await calls.findOne({ i: 'journaled' })).not.toBeNull();
      await calls.insertOne({ i: 'after-recovery' });
    });
  });

  it('refuses to start over a journal damaged in the middle, naming the file', async () => {
    const dbPath = await tempDir();
    const store = await startEmbeddedMongo({ dbPath, port: 0, logger: quiet });
    await withClient(store.url, async (client) => {
      await client.db('crm').collection('things').insertMany(Array.from({ length: 20 }, (_, i) => ({ i, pad: 'x'.repeat(50) })));
      await client.db('crm').collection('things').insertOne({ i: 'last' });
    });
    await store.close();
    const [journal] = journalFiles(dbPath);
    const bytes = fs.readFileSync(journal as string);
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    fs.writeFileSync(journal as string, bytes);
    await expect(startEmbeddedMongo({ dbPath, port: 0, logger: quiet })).rejects.toThrow(path.basename(journal as string));
    expect(fs.readFileSync(journal as string).equals(bytes)).toBe(true);
  });

  it('refuses a directory holding a foreign file, naming it', async () => {
    const dbPath = await tempDir();
    fs.writeFileSync(path.join(dbPath, 'collection-0-123.wt'), 'not ours');
    await expect(startEmbeddedMongo({ dbPath, port: 0, logger: quiet })).rejects.toThrow('collection-0-123.wt');
    fs.writeFileSync(path.join(dbPath, 'journal-00000001.log'), 'WiredTiger journal');
    fs.rmSync(path.join(dbPath, 'collection-0-123.wt'));
    await expect(startEmbeddedMongo({ dbPath, port: 0, logger: quiet })).rejects.toThrow('journal-00000001.log');
  });

  it('lets only one store open a directory at a time', async () => {
    const dbPath = await tempDir();
    const { url } = await startCli(dbPath);
    await withClient(url, (client) => client.db('crm').command({ ping: 1 }));
    await expect(startEmbeddedMongo({ dbPath, port: 0, logger: quiet })).rejects.toThrow(/in use/);
  });
});
