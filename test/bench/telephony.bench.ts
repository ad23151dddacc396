/**
 * Telephony benchmark (`npm run bench telephony`). Prints:
 *   1. AMI ingest rate: the recorded Asterisk 22 calls (a, b, d, e) replayed over TCP in a loop,
 *      every loop with fresh Uniqueids/Linkedids, read by (a) bare asterisk-manager and (b) the
 *      product's client with its handlers (normalise + call model + agent board), events/s on one
 *      core (the sender runs in a worker thread), and the ratio b/a (target ≥ 0.5);
 *   2. p50/p99/max time per event in our handlers, and the heap after 1 M events (flat = no growth);
 *   3. the PBX simulator's ceiling: calls per second it generates for a connected AMI client.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import pino from 'pino';
import AsteriskManager from 'asterisk-manager';
import { AgentBoard, deviceActivityFromStatus } from '../../server/src/agents/agent-state.js';
import { startPbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { createAgentMatcher, memberExtension } from '../../server/src/telephony/agent-identity.js';
import { AmiConnection } from '../../server/src/telephony/ami-connection.js';
import { normalizeAmiEvent, type AmiFrame } from '../../server/src/telephony/ami-events.js';
import { CallModel } from '../../server/src/telephony/call-state.js';
import { FIXTURE_DIR } from '../support/ami-replay.js';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

// ---- the bytes: event blocks of the four recorded calls ---------------------------------------
const template = ['a-inbound-answered-caller-hangup', 'b-inbound-abandon', 'd-outbound-answered', 'e-outbound-busy']
  .map((name) => readFileSync(`${FIXTURE_DIR}${name}.ami.raw`, 'utf8'))
  .flatMap((text) => text.split('\r\n\r\n'))
  .filter((block) => block.startsWith('Event: '))
  .map((block) => `${block}\r\n\r\n`)
  .join('');
const eventsPerLoop = template.split('\r\n\r\n').length - 1;

/** A worker thread serves `loops` copies (ids rewritten per loop) to one AMI client. */
const senderSource = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { template, loops } = workerData;
const server = net.createServer((socket) => {
  socket.write('Asterisk Call Manager/11.0.0\\r\\n');
  let buffer = '';
  let started = false;
  socket.on('data', (chunk) => {
    buffer += chunk.toString('latin1');
    let end;
    while ((end = buffer.indexOf('\\r\\n\\r\\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const id = (/ActionID: (.*)/i.exec(block) || [])[1] || '';
      if (/Action: login/i.test(block)) {
        socket.write('Response: Success\\r\\nActionID: ' + id + '\\r\\nMessage: Authentication accepted\\r\\n\\r\\n');
        if (!started) { started = true; setTimeout(() => send(socket), 50); }
      } else if (id) {
        socket.write('Response: Success\\r\\nActionID: ' + id + '\\r\\nPing: Pong\\r\\n\\r\\n');
      }
    }
  });
  socket.on('error', () => {});
});
async function send(socket) {
  parentPort.postMessage({ type: 'start' });
  for (let loop = 0; loop < loops; loop += 1) {
    const prefix = String(loop).padStart(5, '0');
    const data = template.replace(/17953(\\d{5})\\./g, (_, tail) => prefix + tail + '.');
    if (!socket.write(data)) await new Promise((resolve) => socket.once('drain', resolve));
  }
}
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ type: 'port', port: server.address().port }));
`;

async function startSender(loops: number): Promise<{ port: number; worker: Worker }> {
  const worker = new Worker(senderSource, { eval: true, workerData: { template, loops } });
  const port = await new Promise<number>((resolve) => {
    worker.on('message', (message: { type: string; port?: number }) => {
      if (message.type === 'port' && message.port) resolve(message.port);
    });
  });
  return { port, worker };
}

function rate(events: number, ms: number): number {
  return Math.round(events / (ms / 1000));
}

// ---- 1a. bare asterisk-manager ----------------------------------------------------------------
async function bareAsteriskManager(loops: number): Promise<{ events: number; ms: number }> {
  const { port, worker } = await startSender(loops);
  const expected = loops * eventsPerLoop;
  let count = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    const manager = AsteriskManager(port, '127.0.0.1', 'crm', 'crm-secret', true);
    manager.on('managerevent', () => {
      if (count === 0) started = performance.now();
      count += 1;
      if (count === expected) {
        resolve(performance.now());
        manager.disconnect();
      }
    });
  });
  const ended = await done;
  await worker.terminate();
  return { events: count, ms: ended - started };
}

// ---- 1b. the product's client and handlers ------------------------------------------------------
function createHandlers(sampleTimes: boolean) {
  const matchAgent = createAgentMatcher();
  let effects = 0;
  const board = new AgentBoard(() => {
    effects += 1;
  });
  const model = new CallModel({
    defaultCountry: 'RU',
    matchAgent,
    onEffect: (effect) => {
      effects += 1;
      if (effect.type === 'agent-activity') board.activity(effect.extension, effect.activity, effect.at);
    },
  });
  const times = sampleTimes ? new Float64Array(1_200_000) : null;
  let sampled = 0;
  const handle = (frame: AmiFrame) => {
    const t0 = times ? performance.now() : 0;
    const result = normalizeAmiEvent(frame, Date.now());
    if (result.ok) {
      const event = result.event;
      if (event.kind === 'member-status') {
        const extension = memberExtension(matchAgent, event.member);
        if (extension) board.membership({ extension, queue: event.member.queue, device: deviceActivityFromStatus(event.status), paused: event.paused, pauseReason: event.pausedReason }, event.at);
      } else {
        model.apply(event);
      }
    }
    if (times && sampled < times.length) times[sampled++] = performance.now() - t0;
  };
  return { handle, times: () => (times ? times.subarray(0, sampled) : new Float64Array()), effects: () => effects, model };
}

async function productClient(loops: number, options: { sampleTimes: boolean; heapEvery?: number } = { sampleTimes: false }) {
  const { port, worker } = await startSender(loops);
  const expected = loops * eventsPerLoop;
  const handlers = createHandlers(options.sampleTimes);
  const heap: Array<{ events: number; mb: number }> = [];
  let count = 0;
  let started = 0;
  const connection = new AmiConnection({
    host: '127.0.0.1',
    port,
    username: 'crm',
    secret: 'crm-secret',
    logger: pino({ level: 'silent' }),
    now: () => Date.now(),
    pingIntervalMs: 60_000,
    pingTimeoutMs: 60_000,
  });
  const ended = await new Promise<number>((resolve) => {
    connection.onFrame((frame) => {
      if (count === 0) started = performance.now();
      count += 1;
      handlers.handle(frame);
      if (options.heapEvery && count % options.heapEvery === 0) {
        gc();
        heap.push({ events: count, mb: process.memoryUsage().heapUsed / 1024 / 1024 });
      }
      if (count === expected) resolve(performance.now());
    });
    connection.start();
  });
  await connection.stop();
  await worker.terminate();
  return { events: count, ms: ended - started, times: handlers.times(), heap, effects: handlers.effects() };
}

function percentile(values: Float64Array, p: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

// ---- 3. simulator ceiling -----------------------------------------------------------------------
async function simulatorCeiling(realCallsPerSecond: number, seconds: number) {
  const timeScale = 0.001;
  const simulator = await startPbxSimulator({ timeScale, agentRingSeconds: 1, talkSeconds: 1, random: Math.random });
  let bytes = 0;
  const client = net.connect(simulator.port, '127.0.0.1');
  client.on('data', (chunk) => {
    bytes += chunk.length;
  });
  client.write('Action: Login\r\nActionID: 1\r\nUsername: crm\r\nSecret: crm-secret\r\nEvents: call,agent,cdr,system\r\n\r\n');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const before = simulator.completedCalls();
  const start = performance.now();
  // Load mode takes calls per simulated second.
  const stop = simulator.startLoad(realCallsPerSecond * timeScale);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  stop();
  const elapsed = (performance.now() - start) / 1000;
  const completed = simulator.completedCalls() - before;
  client.destroy();
  await simulator.close();
  return { asked: realCallsPerSecond, completedPerSecond: Math.round(completed / elapsed), mbPerSecond: (bytes / 1024 / 1024 / elapsed).toFixed(1) };
}

// ---- run -------------------------------------------------------------------------------------------
console.log(`fixture loop: ${eventsPerLoop} events (${(template.length / 1024).toFixed(0)} KB) = 4 recorded calls`);

const throughputLoops = 600;
await bareAsteriskManager(60);
await productClient(60);
const bare = await bareAsteriskManager(throughputLoops);
const ours = await productClient(throughputLoops);
const bareRate = rate(bare.events, bare.ms);
const ourRate = rate(ours.events, ours.ms);
console.log(`ingest, bare asterisk-manager:         ${bareRate.toLocaleString('en')} events/s (${bare.events} events in ${bare.ms.toFixed(0)} ms)`);
console.log(`ingest, product client + handlers:     ${ourRate.toLocaleString('en')} events/s (${ours.events} events in ${ours.ms.toFixed(0)} ms)`);
console.log(`ratio product / bare:                  ${(ourRate / bareRate).toFixed(2)} (target >= 0.5)`);

const millionLoops = Math.ceil(1_000_000 / eventsPerLoop);
const long = await productClient(millionLoops, { sampleTimes: true, heapEvery: 100_000 });
console.log(`handler time per event over ${long.events.toLocaleString('en')} events: p50 ${(percentile(long.times, 50) * 1000).toFixed(1)} µs, p99 ${(percentile(long.times, 99) * 1000).toFixed(1)} µs, max ${(percentile(long.times, 100) * 1000).toFixed(0)} µs`);
console.log(`heap after GC (MB) by events: ${long.heap.map((point) => `${point.events / 1000}k=${point.mb.toFixed(1)}`).join(' ')}`);
const first = long.heap[3]?.mb ?? 0;
const last = long.heap[long.heap.length - 1]?.mb ?? 0;
console.log(`heap growth from 400k to ${long.heap.length * 100}k events: ${(last - first).toFixed(1)} MB`);

for (const asked of [200, 1000, 3000]) {
  const result = await simulatorCeiling(asked, 4);
  console.log(`simulator load: asked ${result.asked} calls/s -> completed ${result.completedPerSecond} calls/s (${result.mbPerSecond} MB/s of AMI to one client)`);
}
process.exit(0);
