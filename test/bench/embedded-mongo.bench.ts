/**
 * Embedded store benchmark (`npm run bench embedded-mongo`). Runs the store as its own process
 * (the built CLI), as the product does, and drives it with the official driver:
 * 1 M contact-like documents with a unique multikey index on phones; load, restart and RSS;
 * insert throughput with and without j:true; indexed findOne by phone against a ping round trip
 * on the same connection; range + sort over 100 k tasks by due time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Collection } from 'mongodb';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const TASKS = 100_000;
const LOOKUPS = 5_000;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const cli = path.join(repoRoot, 'server/dist/embedded-mongo/cli.js');
const TIMEZONES = ['Europe/Moscow', 'Asia/Yekaterinburg', 'Asia/Vladivostok', 'Europe/Kyiv', 'Europe/Warsaw', 'America/New_York'];
const figures: Array<[string, string]> = [];

function record(name: string, value: string): void {
  figures.push([name, value]);
  console.log(`${name.padEnd(52)} ${value}`);
}

function phoneOf(i: number, second = false): string {
  return `+7${second ? '8' : '9'}${String(i).padStart(9, '0')}`;
}

function contact(i: number) {
  return {
    name: `Contact ${i}`,
    phones: i % 3 === 0 ? [phoneOf(i), phoneOf(i, true)] : [phoneOf(i)],
    company: `Company ${i % 5000}`,
    tags: i % 2 === 0 ? ['lead', `region-${i % 50}`] : [`region-${i % 50}`],
    timezone: TIMEZONES[i % TIMEZONES.length],
    segment: ['A', 'B', 'C'][i % 3],
  };
}

async function startStore(dbPath: string): Promise<{ child: ChildProcess; url: string; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, '--port', '0', '--dbpath', dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"(mongodb:\/\/[^"]+)"/.exec(output);
      if (match) resolve(match[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`store exited with ${code}: ${output}`)));
  });
  return { child, url, ms: performance.now() - started };
}

async function stopStore(child: ChildProcess, signal: NodeJS.Signals): Promise<number> {
  const started = performance.now();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function timeEach(count: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

const us = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;

async function rssMb(client: MongoClient): Promise<number> {
  const status = await client.db('admin').command({ serverStatus: 1 });
  return Number(status.mem?.resident ?? NaN);
}

async function loadContacts(contacts: Collection): Promise<void> {
  await contacts.createIndex({ phones: 1 }, { unique: true });
  const started = performance.now();
  const batch = 10_000;
  for (let from = 0; from < CONTACTS; from += batch) {
    await contacts.insertMany(Array.from({ length: Math.min(batch, CONTACTS - from) }, (_, k) => contact(from + k)), { ordered: false });
  }
  const seconds = (performance.now() - started) / 1000;
  record(`load ${CONTACTS.toLocaleString('en')} contacts (insertMany 10k)`, `${seconds.toFixed(1)} s (${Math.round(CONTACTS / seconds).toLocaleString('en')} docs/s)`);
}

async function insertThroughput(client: MongoClient): Promise<void> {
  const coll = client.db('bench').collection('inserts');
  const plain = await timeEach(5_000, (i) => coll.insertOne({ i, at: new Date(), note: 'default write concern' }));
  const plainTotal = plain.reduce((a, b) => a + b, 0) / 1000;
  record('insertOne, default write concern (sequential)', `${Math.round(plain.length / plainTotal).toLocaleString('en')} ops/s, p50 ${us(percentile(plain, 50))}`);
  const journaled = await timeEach(500, (i) => coll.insertOne({ i, j: true }, { writeConcern: { j: true } }));
  const journaledTotal = journaled.reduce((a, b) => a + b, 0) / 1000;
  record('insertOne, j:true (sequential, one fsync each)', `${Math.round(journaled.length / journaledTotal).toLocaleString('en')} ops/s, p50 ${us(percentile(journaled, 50))}`);
  const started = performance.now();
  const parallel = 2_000;
  for (let wave = 0; wave < parallel; wave += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => coll.insertOne({ i: wave + k, group: true }, { writeConcern: { j: true } })));
  }
  const seconds = (performance.now() - started) / 1000;
  record('insertOne, j:true, 100 in flight (group commit)', `${Math.round(parallel / seconds).toLocaleString('en')} ops/s`);
}

async function lookupVersusPing(client: MongoClient, contacts: Collection): Promise<void> {
  const db = client.db('bench');
  // Warm up the connection and the code paths.
  for (let i = 0; i < 500; i += 1) {
    await db.command({ ping: 1 });
    await contacts.findOne({ phones: phoneOf((i * 7919) % CONTACTS) });
  }
  const pings = await timeEach(LOOKUPS, () => db.command({ ping: 1 }));
  let misses = 0;
  const finds = await timeEach(LOOKUPS, async (i) => {
    const n = (i * 104_729) % CONTACTS;
    const found = await contacts.findOne({ phones: phoneOf(n, n % 3 === 0 && i % 2 === 0) });
    if (!found) misses += 1;
  });
  if (misses > 0) throw new Error(`${misses} lookups found nothing`);
  // The same lookup as a bare command: what the store costs, without the driver's cursor object.
  const commands = await timeEach(LOOKUPS, (i) =>
    db.command({ find: 'contacts', filter: { phones: phoneOf((i * 7_927) % CONTACTS) }, limit: 1, singleBatch: true }),
  );
  const ratio50 = percentile(finds, 50) / percentile(pings, 50);
  const ratio99 = percentile(finds, 99) / percentile(pings, 99);
  record('ping round trip p50 / p99', `${us(percentile(pings, 50))} / ${us(percentile(pings, 99))}`);
  record('findOne by phone (unique multikey index) p50 / p99', `${us(percentile(finds, 50))} / ${us(percentile(finds, 99))}`);
  record('findOne by phone ÷ ping, p50 / p99 (target ≤ 2×)', `${ratio50.toFixed(2)}× / ${ratio99.toFixed(2)}×`);
  record(
    'find command by phone ÷ ping, p50 / p99',
    `${(percentile(commands, 50) / percentile(pings, 50)).toFixed(2)}× / ${(percentile(commands, 99) / percentile(pings, 99)).toFixed(2)}×`,
  );
}

async function tasksRangeSort(client: MongoClient): Promise<void> {
  const tasks = client.db('bench').collection('tasks');
  const base = Date.UTC(2026, 2, 2);
  await tasks.createIndex({ dueAt: 1 });
  for (let from = 0; from < TASKS; from += 10_000) {
    await tasks.insertMany(
      Array.from({ length: 10_000 }, (_, k) => {
        const i = from + k;
        return { kind: ['retry', 'callback', 'lead'][i % 3], dueAt: new Date(base + ((i * 7919) % TASKS) * 60_000), agent: `agent${i % 40}` };
      }),
    );
  }
  const pages = await timeEach(500, (i) => {
    const from = new Date(base + ((i * 997) % (TASKS - 2_000)) * 60_000);
    return tasks.find({ dueAt: { $gte: from, $lt: new Date(from.getTime() + 1_000 * 60_000) } }).sort({ dueAt: 1 }).limit(50).toArray();
  });
  record('tasks: dueAt range + sort, first 50 of 1 000 (p50 / p99)', `${us(percentile(pages, 50))} / ${us(percentile(pages, 99))}`);
  const wide = await timeEach(20, (i) => {
    const from = new Date(base + i * 1_000 * 60_000);
    return tasks.find({ dueAt: { $gte: from, $lt: new Date(from.getTime() + 10_000 * 60_000) } }).sort({ dueAt: -1 }).toArray();
  });
  record('tasks: dueAt range + sort, all 10 000 docs (p50)', `${(percentile(wide, 50)).toFixed(1)} ms`);
}

async function main(): Promise<void> {
  const dbPath = mkdtempSync(path.join(os.tmpdir(), 'crm-bench-mongo-'));
  try {
    let store = await startStore(dbPath);
    let client = await MongoClient.connect(store.url, { maxPoolSize: 200 });
    const lookupClient = await MongoClient.connect(store.url, { maxPoolSize: 1 });
    const contacts = () => client.db('bench').collection('contacts');
    await loadContacts(contacts());
    record('store RSS after load', `${await rssMb(client)} MB`);
    await lookupVersusPing(lookupClient, lookupClient.db('bench').collection('contacts'));
    await lookupClient.close();
    await insertThroughput(client);
    await tasksRangeSort(client);
    await client.close();

    record('clean stop (flush + snapshot)', `${((await stopStore(store.child, 'SIGTERM')) / 1000).toFixed(1)} s`);
    store = await startStore(dbPath);
    record(`restart with ${CONTACTS.toLocaleString('en')} contacts (from snapshot)`, `${(store.ms / 1000).toFixed(1)} s`);
    client = await MongoClient.connect(store.url);
    record('store RSS after restart', `${await rssMb(client)} MB`);
    await client.db('bench').collection('contacts').insertMany(Array.from({ length: 20_000 }, (_, k) => contact(CONTACTS + k)));
    await client.close();
    await stopStore(store.child, 'SIGKILL');
    store = await startStore(dbPath);
    record('restart after kill -9 (snapshot + journal replay)', `${(store.ms / 1000).toFixed(1)} s`);
    client = await MongoClient.connect(store.url);
    const count = await client.db('bench').collection('contacts').countDocuments();
    if (count !== CONTACTS + 20_000) throw new Error(`expected ${CONTACTS + 20_000} contacts after kill -9, found ${count}`);
    await client.close();
    await stopStore(store.child, 'SIGTERM');
  } finally {
    rmSync(dbPath, { recursive: true, force: true });
  }
  console.log('\nembedded-mongo figures:');
  for (const [name, value] of figures) console.log(`  ${name}: ${value}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
