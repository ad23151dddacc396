/**
 * Screen-pop latency and contact search at scale (issue 6).
 *
 * Path measured: the PBX simulator writes `AgentCalled` → AMI over TCP → the telephony service
 * (call model, call records stored) → [screen-pop] → Socket.IO emit to the agent's room →
 * socket.io-client receives `call:ringing`. The bare relay forwards the same ring on the same path
 * with no card; the ratio of the two is the cost of the pop. Phases: the relay; the screen-pop as
 * the app runs it (the caller's card, open deal and history are read when the call appears, before
 * the queue rings anyone); and the pop with the card read only when the agent rings (the cost a ring
 * would pay without the read ahead). Contacts live in the embedded store (a separate process)
 * unless MONGO_URL is set.
 *
 *   BENCH_CONTACTS (1 000 000)  BENCH_CALLS_PER_SECOND (100)  BENCH_SECONDS (15 per phase, in 3 rounds)  BENCH_SEARCHES (200 per kind)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { CallRingingPayload, ServerToClientEvents } from '@crm/shared';
import { contactModel } from '../../server/src/contacts/contact.model.js';
import { searchFields } from '../../server/src/contacts/contact-search.js';
import { createContactsService } from '../../server/src/contacts/contacts.service.js';
import { seedDemoContacts } from '../../server/src/contacts/demo-contacts.js';
import { startPbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { SimPbx } from '../../server/src/pbx-simulator/sim-pbx.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { createScreenPopService } from '../../server/src/screen-pop/screen-pop.service.js';
import type { Realtime } from '../../server/src/realtime/realtime.js';
import { startScreenPop } from '../../server/src/screen-pop/index.js';
import { createTelephony } from '../../server/src/telephony/telephony-service.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_CALLS_PER_SECOND ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = 1;
const ROUNDS = 3;
const AGENTS = Math.max(50, RATE * 3);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const logger = pino({ level: 'warn' });

const FIRST = ['Ivan', 'Anna', 'Sergey', 'Olga', 'Dmitry', 'Elena', 'Pavel', 'Marina', 'Alexey', 'Natalia', 'John', 'Sarah', 'Piotr', 'Oksana', 'Taras', 'Emily'];
const LAST = ['Petrov', 'Ivanova', 'Smirnov', 'Kuznetsova', 'Volkov', 'Sokolova', 'Morozov', 'Lebedeva', 'Nowak', 'Kowalski', 'Shevchenko', 'Miller', 'Johnson', 'Chen', 'Orlov', 'Belova'];
const COMPANY = ['Steel', 'Logistics', 'Bank', 'Retail', 'Tours', 'Trade', 'Seafood', 'Agro', 'Build', 'Foods', 'Capital', 'Dental', 'Roasters', 'Hub', 'Furniture', 'Energy'];
const phoneOf = (index: number) => `+7916${String(index).padStart(7, '0')}`;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
const ms = (value: number) => `${value.toFixed(2)} ms`;
const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`embedded store exited with ${child.exitCode}`);
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (isOpen) return;
    await sleep(100);
  }
  throw new Error('embedded store did not start');
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startStore(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.MONGO_URL) return { url: process.env.MONGO_URL, stop: async () => undefined };
  const dbPath = await mkdtemp(path.join(os.tmpdir(), 'crm-bench-mongo-'));
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_STORE_NODE_FLAGS ?? '').split(' ').filter(Boolean), '--max-old-space-size=12288', '--import', 'tsx', path.join(repoRoot, 'server/src/embedded-mongo/cli.ts'), '--port', String(port), '--dbpath', dbPath],
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: process.env.BENCH_STORE_LOG_LEVEL ?? 'warn' }, stdio: ['ignore', process.env.BENCH_STORE_NODE_FLAGS || process.env.BENCH_STORE_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'] },
  );
  await waitForPort(port, child);
  return {
    url: `mongodb://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      await rm(dbPath, { recursive: true, force: true });
    },
  };
}

/**
 * After a bulk load the store compacts its journal into a snapshot for a while; the figures are of
 * a store in service, so wait until a second of pings sees no pause over 5 ms (at most 3 minutes).
 */
async function settle(connection: mongoose.Connection): Promise<number> {
  const started = performance.now();
  const db = connection.db;
  if (!db) return 0;
  while (performance.now() - started < 180_000) {
    let worst = 0;
    for (let ping = 0; ping < 100; ping += 1) {
      const sent = performance.now();
      await db.admin().ping();
      worst = Math.max(worst, performance.now() - sent);
      await sleep(10);
    }
    if (worst < 5) break;
  }
  return (performance.now() - started) / 1000;
}

async function main(): Promise<void> {
  const store = await startStore();
  // Polling monitoring: the embedded store does not yet stream awaitable `hello`, and the driver's
  // streaming monitor then marks it Unknown once a second and clears the pool (~500 ms stalls).
  // Generous timeouts: while a million cards go in, the store compacts its journal and may not answer for a while.
  const connection = mongoose.createConnection(store.url, {
    dbName: `bench_screen_pop_${Date.now()}`,
    serverMonitoringMode: 'poll',
    serverSelectionTimeoutMS: 600_000,
    connectTimeoutMS: 600_000,
    socketTimeoutMS: 0,
  });
  await connection.asPromise();
  try {
    await measure(connection, store.url);
  } finally {
    await connection.close().catch(() => undefined);
    await store.stop();
  }
}

async function measure(connection: mongoose.Connection, storeUrl: string): Promise<void> {
  const Contacts = contactModel(connection);
  await Contacts.init();

  // ---- 1. contacts ------------------------------------------------------------------------
  const insertStarted = performance.now();
  const batch = 5000;
  for (let start = 0; start < CONTACTS; start += batch) {
    const docs = [];
    for (let index = start; index < Math.min(CONTACTS, start + batch); index += 1) {
      const name = `${FIRST[index % FIRST.length]} ${LAST[Math.floor(index / FIRST.length) % LAST.length]} ${index}`;
      const company = `${COMPANY[index % COMPANY.length]} ${index % 7919}`;
      const phones = [phoneOf(index)];
      const now = new Date();
      docs.push({
        name, company, email: null, phones, ...searchFields({ name, company, email: null, phones }),
        address: null, city: 'Moscow', country: 'RU', region: null, segment: 'C', vip: false, tags: [], customFields: {},
        leadSource: null, ownerId: null, managerIds: [], timeZone: { zone: 'Europe/Moscow', source: 'number', candidates: ['Europe/Moscow'] },
        createdAt: now, updatedAt: now,
      });
    }
    await Contacts.collection.insertMany(docs, { ordered: false });
    if ((start + batch) % 100_000 === 0) console.log(`  … ${(start + batch).toLocaleString('en')} contacts stored`);
  }
  await seedDemoContacts(connection);
  const insertSeconds = (performance.now() - insertStarted) / 1000;
  const settleSeconds = await settle(connection);

  // ---- 2. the path: simulator → AMI → (lookup) → Socket.IO → client -------------------------
  const stamps = new Map<string, number>();
  const originalEvent = (SimPbx.prototype as unknown as { event: (name: string, ...rest: unknown[]) => void }).event;
  (SimPbx.prototype as unknown as { event: (name: string, eventClass: unknown, fields: Array<[string, unknown]>) => void }).event = function (
    this: unknown,
    name: string,
    eventClass: unknown,
    fields: Array<[string, unknown]>,
  ) {
    if (name === 'AgentCalled') {
      const linkedid = String(fields.find(([key]) => key === 'Linkedid')?.[1]);
      if (!stamps.has(linkedid)) stamps.set(linkedid, performance.now());
    }
    originalEvent.call(this, name, eventClass, fields);
  };

  const callers = Array.from({ length: 5000 }, (_, index) => {
    const contact = Math.floor((index * 7_919_993) % CONTACTS);
    return { number: phoneOf(contact), name: `Caller ${contact}` };
  });
  const pbx = await startPbxSimulator({ port: 0, logger, agentRingSeconds: 0.5, talkSeconds: 1, callers });

  const http = createServer();
  const sockets = new Server<Record<string, never>, ServerToClientEvents>(http);
  sockets.on('connection', (socket) => {
    for (let agent = 0; agent < AGENTS; agent += 1) void socket.join(`agent:${2000 + agent}`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  await sleep(200);

  let samples: number[] | null = null;
  let popsWithCard = 0;
  client.on('call:ringing', (payload: CallRingingPayload) => {
    // The first ring of each call is measured (agents are plenty: a call rings one agent, who answers).
    const stamp = stamps.get(payload.call.linkedid);
    stamps.delete(payload.call.linkedid);
    if (stamp === undefined || !samples) return;
    samples.push(performance.now() - stamp);
    if (payload.contact) popsWithCard += 1;
  });

  // The product's own path: the telephony service (AMI client, call model, call records stored in
  // the same store) and the screen-pop wiring, pushing through Socket.IO rooms as the app does.
  const telephony = createTelephony({
    ami: { host: '127.0.0.1', port: pbx.port, username: 'crm', secret: 'crm-secret' },
    mode: 'simulator',
    connection,
    logger,
    clock: systemClock,
    defaultCountry: 'RU',
  });
  let mode: 'relay' | 'pop' | 'pop-at-ring' = 'relay';
  const screenPop = createScreenPopService({ connection, clock: systemClock });
  // The pop as the app runs it (the caller's card is read when the call appears), live in its phase.
  const popRealtime = {
    emitToAgent: ((extension: string, event: 'call:ringing', payload: CallRingingPayload) => {
      if (mode === 'pop') sockets.to(`agent:${extension}`).emit(event, payload);
    }) as Realtime['emitToAgent'],
  };
  const stopWiring = startScreenPop({ connection, clock: systemClock, logger, realtime: popRealtime, telephony, screenPop });
  // The relay and the pop without reading ahead (what a ring costs when the card is read only then).
  telephony.on('agent:ringing', ({ extension, call }) => {
    if (mode === 'relay') sockets.to(`agent:${extension}`).emit('call:ringing', { call, contact: null, localTime: null });
    if (mode === 'pop-at-ring') void screenPop.forRinging({ extension, call }).then((payload) => sockets.to(`agent:${extension}`).emit('call:ringing', payload));
  });
  await telephony.start();
  while (!telephony.status().up) await sleep(50);
  for (let agent = 0; agent < AGENTS; agent += 1) {
    for (const queue of ['support', 'sales']) await telephony.queueAdd({ extension: String(2000 + agent), queue });
  }

  const stopLoad = pbx.startLoad(RATE);
  // Phases take turns in rounds, so a pause of the store or the process (a compaction, a GC) is
  // spread over all of them instead of deciding one phase's p99.
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  // How the store itself answers meanwhile (its own connection): a pause there stalls every read.
  const prober = await MongoClient.connect(storeUrl);
  const storePings = { relay: [] as number[], pop: [] as number[], 'pop-at-ring': [] as number[] };
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const sent = performance.now();
      await prober.db('admin').command({ ping: 1 });
      const took = performance.now() - sent;
      if (samples) storePings[mode].push(took);
      if (took > 100 && process.env.BENCH_STORE_LOG_LEVEL) console.log(`  … store ping ${ms(took)} at ${new Date().toISOString()} (${mode})`);
      await sleep(10);
    }
  })();
  const samplesOf = { relay: [] as number[], pop: [] as number[], 'pop-at-ring': [] as number[] };
  let withCard = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    console.log(`  … round ${round} of ${ROUNDS}: bare relay, screen-pop, screen-pop with the card read at ring time`);
    for (const name of ['relay', 'pop', 'pop-at-ring'] as const) {
      mode = name;
      samples = null;
      await sleep(WARMUP_SECONDS * 1000);
      popsWithCard = 0;
      samples = samplesOf[name];
      await sleep((SECONDS / ROUNDS) * 1000);
      samples = null;
      if (name === 'pop') withCard += popsWithCard;
    }
  }
  loopDelay.disable();
  probing = false;
  await probe;
  await prober.close();
  const [relay, pop, atRing] = [samplesOf.relay, samplesOf.pop, samplesOf['pop-at-ring']].map((times) => times.sort((a, b) => a - b)) as [number[], number[], number[]];
  stopLoad();
  stopWiring();

  // ---- 3. contact search --------------------------------------------------------------------
  console.log('  … contact searches');
  const contacts = createContactsService({ connection, clock: systemClock });
  const searchTimes: Record<string, number[]> = { 'full number': [], 'last 7 digits': [], 'name prefix': [], 'company word': [], 'exact ?phone=': [] };
  for (let index = 0; index < SEARCHES; index += 1) {
    const contact = (index * 104_729) % CONTACTS;
    const e164 = phoneOf(contact);
    const queries: Array<[string, () => Promise<unknown>]> = [
      ['full number', () => contacts.list({ q: `8 916 ${e164.slice(5, 8)}-${e164.slice(8, 10)}-${e164.slice(10)}`, page: 1, pageSize: 25 })],
      ['last 7 digits', () => contacts.list({ q: `${e164.slice(-7, -4)}-${e164.slice(-4, -2)}-${e164.slice(-2)}`, page: 1, pageSize: 25 })],
      ['name prefix', () => contacts.list({ q: `${LAST[index % LAST.length]?.slice(0, 4)} ${contact}`, page: 1, pageSize: 25 })],
      ['company word', () => contacts.list({ q: `${COMPANY[index % COMPANY.length]} ${contact % 7919}`, page: 1, pageSize: 25 })],
      ['exact ?phone=', () => contacts.list({ phone: e164, page: 1, pageSize: 25 })],
    ];
    for (const [name, run] of queries) {
      const started = performance.now();
      await run();
      searchTimes[name]?.push(performance.now() - started);
    }
  }

  // ---- figures ------------------------------------------------------------------------------
  const line = (label: string, times: number[]) => `${label.padEnd(44)} n=${times.length} p50 ${ms(quantile(times, 0.5))} p99 ${ms(quantile(times, 0.99))}`;
  const ratio = (times: number[]) =>
    `p50 ${(quantile(times, 0.5) / quantile(relay, 0.5)).toFixed(2)}× p99 ${(quantile(times, 0.99) / quantile(relay, 0.99)).toFixed(2)}× the relay`;
  console.log(`contacts in store: ${CONTACTS.toLocaleString('en')} (+ demo), inserted in ${insertSeconds.toFixed(1)} s; store settled ${settleSeconds.toFixed(0)} s later`);
  console.log(`load: ${RATE} inbound calls/s into ${AGENTS} simulated agents, ${SECONDS} s per phase; AgentCalled ~0.5 s after the call appears`);
  console.log(
    `event-loop delay of the process (telephony, pop, Socket.IO server and client): p50 ${ms(loopDelay.percentile(50) / 1e6)} p99 ${ms(loopDelay.percentile(99) / 1e6)} max ${ms(loopDelay.max / 1e6)}`,
  );
  const longestPing = (times: number[]) => ms(Math.max(...times));
  console.log(`longest store ping during: relay ${longestPing(storePings.relay)}, screen-pop ${longestPing(storePings.pop)}, pop read at ring ${longestPing(storePings['pop-at-ring'])}`);
  console.log(line('bare relay   AgentCalled → call:ringing', relay));
  console.log(`${line('screen-pop   AgentCalled → call:ringing', pop)} (${withCard} with a card)`);
  console.log(`  ratio screen-pop / relay: ${ratio(pop)} (target p99 ≤ 2×)`);
  console.log(line('screen-pop with the card read at ring time', atRing));
  console.log(`  ratio: ${ratio(atRing)}`);
  for (const [name, times] of Object.entries(searchTimes)) {
    const sorted = times.sort((a, b) => a - b);
    console.log(`contact search ${name.padEnd(14)} n=${sorted.length} p50 ${ms(quantile(sorted, 0.5))} p99 ${ms(quantile(sorted, 0.99))}`);
  }

  client.close();
  await sockets.close();
  await telephony.stop();
  await pbx.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
