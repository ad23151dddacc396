/**
 * Screen-pop latency and contact search at scale (issue 6).
 *
 * Path measured: the PBX simulator writes `AgentCalled` → AMI over TCP → typed event → [screen-pop
 * lookup] → Socket.IO emit to the agent's room → socket.io-client receives `call:ringing`.
 * The bare relay forwards the same event on the same path with no lookup; the ratio of the two
 * is the cost of the pop. Two pop phases: the call not yet linked to its card (found by number,
 * then its deal and history), and linked (the telephony looks the number up when the call
 * starts, before the queue rings anyone: card, deal and history in one parallel round). Contacts live in the embedded store (a separate process) unless
 * MONGO_URL is set.
 *
 *   BENCH_CONTACTS (1 000 000)  BENCH_CALLS_PER_SECOND (100)  BENCH_SECONDS (15 per phase)  BENCH_SEARCHES (200 per kind)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mongoose from 'mongoose';
import pino from 'pino';
import { Server } from 'socket.io';
import { io as connectClient } from 'socket.io-client';
import type { CallRecord, CallRingingPayload, ServerToClientEvents } from '@crm/shared';
import { contactModel } from '../../server/src/contacts/contact.model.js';
import { searchFields } from '../../server/src/contacts/contact-search.js';
import { createContactsService } from '../../server/src/contacts/contacts.service.js';
import { seedDemoContacts } from '../../server/src/contacts/demo-contacts.js';
import { startPbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { SimPbx } from '../../server/src/pbx-simulator/sim-pbx.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { createScreenPopService } from '../../server/src/screen-pop/index.js';
import { AmiConnection } from '../../server/src/telephony/ami-connection.js';
import { normalizeAmiEvent, type ChannelRef } from '../../server/src/telephony/ami-events.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const RATE = Number(process.env.BENCH_CALLS_PER_SECOND ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = 3;
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
    ['--max-old-space-size=12288', '--import', 'tsx', path.join(repoRoot, 'server/src/embedded-mongo/cli.ts'), '--port', String(port), '--dbpath', dbPath],
    { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] },
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
    await measure(connection);
  } finally {
    await connection.close().catch(() => undefined);
    await store.stop();
  }
}

async function measure(connection: mongoose.Connection): Promise<void> {
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
      const linkedid = fields.find(([key]) => key === 'Linkedid')?.[1];
      const iface = fields.find(([key]) => key === 'Interface')?.[1];
      stamps.set(`${String(linkedid)}|${String(iface)}`, performance.now());
    }
    originalEvent.call(this, name, eventClass, fields);
  };

  const callers = Array.from({ length: 5000 }, (_, index) => {
    const contact = Math.floor((index * 7_919_993) % CONTACTS);
    return { number: phoneOf(contact), name: `Caller ${contact}` };
  });
  const pbx = await startPbxSimulator({ port: 0, logger, agentRingSeconds: 0.5, talkSeconds: 1, callers });
  // What the telephony's lookup at call start leaves on the call record.
  const cardOf = new Map<string, string>();
  for (const doc of await Contacts.collection.find({ phones: { $in: callers.map((caller) => caller.number) } }, { projection: { phones: 1 } }).toArray()) {
    for (const phone of doc.phones as string[]) cardOf.set(phone, String(doc._id));
  }

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
  client.on('call:ringing', (payload: CallRingingPayload) => {
    const key = `${payload.call.linkedid}|${payload.call.ringingAgents[0] ?? ''}`;
    const stamp = stamps.get(key);
    stamps.delete(key);
    if (stamp !== undefined && samples) samples.push(performance.now() - stamp);
  });

  const screenPop = createScreenPopService({ connection, clock: systemClock });
  let mode: 'relay' | 'pop' | 'pop-linked' = 'relay';
  let failures = 0;
  const callOf = (caller: ChannelRef, iface: string): CallRecord => ({
    id: caller.linkedid, linkedid: caller.linkedid, direction: 'inbound', callerNumber: caller.callerNum, calledNumber: null, queue: null,
    agentExtension: null, ringingAgents: [iface], contactId: mode === 'pop-linked' ? (cardOf.get(caller.callerNum ?? '') ?? null) : null, result: null, active: true, startedAt: new Date().toISOString(),
    queuedAt: null, ringingAt: new Date().toISOString(), answeredAt: null, endedAt: null, waitSeconds: null, talkSeconds: null,
    hangupCause: null, endedDuringOutage: false,
  });

  const ami = new AmiConnection({ host: '127.0.0.1', port: pbx.port, username: 'crm', secret: 'crm-secret', logger, now: Date.now });
  const up = new Promise<void>((resolve) => ami.onUp(resolve));
  ami.onFrame((frame) => {
    const result = normalizeAmiEvent(frame, Date.now());
    if (!result.ok || result.event.kind !== 'agent-called' || !result.event.caller) return;
    const iface = result.event.member.iface ?? '';
    const extension = /(\d{3,8})/.exec(iface)?.[1] ?? '';
    const call = callOf(result.event.caller, iface);
    const room = `agent:${extension}`;
    if (mode === 'relay') {
      sockets.to(room).emit('call:ringing', { call, contact: null, localTime: null });
      return;
    }
    screenPop.forRinging({ extension, call }).then(
      (payload) => sockets.to(room).emit('call:ringing', payload),
      () => (failures += 1),
    );
  });
  ami.start();
  await up;
  for (let agent = 0; agent < AGENTS; agent += 1) {
    for (const queue of ['support', 'sales']) {
      await ami.action({ Action: 'QueueAdd', Queue: queue, Interface: `Local/${2000 + agent}@agents/n`, MemberName: `Agent ${2000 + agent}` });
    }
  }

  const stopLoad = pbx.startLoad(RATE);
  const phase = async (name: typeof mode) => {
    console.log(`  … ${name === 'relay' ? 'bare relay' : name === 'pop' ? 'screen-pop' : 'screen-pop, call linked to its card'} phase`);
    mode = name;
    samples = null;
    await sleep(WARMUP_SECONDS * 1000);
    const collected: number[] = [];
    samples = collected;
    await sleep(SECONDS * 1000);
    samples = null;
    return collected.sort((a, b) => a - b);
  };
  const relay = await phase('relay');
  const pop = await phase('pop');
  const linked = await phase('pop-linked');
  stopLoad();

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
  const relayP50 = quantile(relay, 0.5);
  const relayP99 = quantile(relay, 0.99);
  const popP50 = quantile(pop, 0.5);
  const popP99 = quantile(pop, 0.99);
  console.log(`contacts in store: ${CONTACTS.toLocaleString('en')} (+ demo), inserted in ${insertSeconds.toFixed(1)} s`);
  console.log(`load: ${RATE} inbound calls/s into ${AGENTS} simulated agents, ${SECONDS} s per phase`);
  console.log(`bare relay   AgentCalled → call:ringing: n=${relay.length} p50 ${ms(relayP50)} p99 ${ms(relayP99)}`);
  console.log(`screen-pop   AgentCalled → call:ringing: n=${pop.length} p50 ${ms(popP50)} p99 ${ms(popP99)}${failures ? ` (${failures} failed)` : ''}`);
  console.log(`ratio screen-pop / relay: p50 ${(popP50 / relayP50).toFixed(2)}× p99 ${(popP99 / relayP99).toFixed(2)}× (target p99 ≤ 2×)`);
  const linkedP50 = quantile(linked, 0.5);
  const linkedP99 = quantile(linked, 0.99);
  console.log(`screen-pop, call linked to its card: n=${linked.length} p50 ${ms(linkedP50)} p99 ${ms(linkedP99)}`);
  console.log(`ratio linked screen-pop / relay: p50 ${(linkedP50 / relayP50).toFixed(2)}× p99 ${(linkedP99 / relayP99).toFixed(2)}× (target p99 ≤ 2×)`);
  for (const [name, times] of Object.entries(searchTimes)) {
    const sorted = times.sort((a, b) => a - b);
    console.log(`contact search ${name.padEnd(14)} n=${sorted.length} p50 ${ms(quantile(sorted, 0.5))} p99 ${ms(quantile(sorted, 0.99))}`);
  }

  client.close();
  await sockets.close();
  await ami.stop();
  await pbx.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
