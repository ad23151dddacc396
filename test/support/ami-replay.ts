/**
 * Recorded Asterisk 22 sessions (test/telephony/fixtures) for tests: the frames of a recording,
 * and a TCP server that replays a recording's server side chunk by chunk (the real TCP read
 * boundaries) to whatever AMI client connects.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('../telephony/fixtures/', import.meta.url));

export const SCENARIOS = [
  'a-inbound-answered-caller-hangup',
  'b-inbound-abandon',
  'd-outbound-answered',
  'e-outbound-busy',
  'g-queuestatus-queuesummary',
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface TimelineChunk {
  t: number;
  dir: 'server' | 'client';
  data: string;
}

export function loadTimeline(scenario: Scenario): TimelineChunk[] {
  return readFileSync(`${FIXTURE_DIR}${scenario}.timeline.jsonl`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as TimelineChunk);
}

export function loadServerBytes(scenario: Scenario): Buffer {
  return readFileSync(`${FIXTURE_DIR}${scenario}.ami.raw`);
}

export type Frame = Record<string, string | string[] | Record<string, string>>;

/**
 * The server's messages of a recording as asterisk-manager hands them over (lower-cased keys,
 * repeated keys as arrays), each with its time in ms since connect.
 */
export function fixtureFrames(scenario: Scenario): Array<{ t: number; frame: Frame }> {
  const out: Array<{ t: number; frame: Frame }> = [];
  let buffer = '';
  for (const chunk of loadTimeline(scenario)) {
    if (chunk.dir !== 'server') continue;
    buffer += Buffer.from(chunk.data, 'latin1').toString('utf8');
    let end = buffer.indexOf('\r\n\r\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const frame = parseBlock(block);
      if (frame) out.push({ t: chunk.t, frame });
      end = buffer.indexOf('\r\n\r\n');
    }
  }
  return out;
}

export function parseBlock(block: string): Frame | null {
  const frame: Frame = {};
  for (const raw of block.split('\r\n')) {
    if (raw === '' || raw.startsWith('Asterisk Call Manager')) continue;
    const colon = raw.indexOf(': ');
    const key = (colon >= 0 ? raw.slice(0, colon) : raw).trim().toLowerCase();
    const value = colon >= 0 ? raw.slice(colon + 2) : '';
    const existing = frame[key];
    if (existing === undefined) frame[key] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else if (typeof existing === 'string') frame[key] = [existing, value];
  }
  return Object.keys(frame).length > 0 ? frame : null;
}

/**
 * Hands each action an AMI client writes to `handle`, parsed as asterisk-manager would parse it,
 * with its raw block (fake peers in tests answer them).
 */
export function onClientActions(socket: net.Socket, handle: (frame: Frame, block: string) => void): void {
  let buffer = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let end = buffer.indexOf('\r\n\r\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      end = buffer.indexOf('\r\n\r\n');
      handle(parseBlock(block) ?? {}, block);
    }
  });
}

export interface ReplayServer {
  port: number;
  /** Resolves when every recorded chunk has been written to the current client. */
  finished: Promise<void>;
  /** Virtual time: base + the recording's `t` of the last chunk sent (ms since epoch). */
  now(): number;
  /** With `manualStart`: starts streaming the recording to the connected client. */
  begin(): void;
  /** Cuts the client's connection now (the next connection replays from where it stopped). */
  cut(): void;
  close(): Promise<void>;
}

export interface ReplayOptions {
  scenarios: Scenario[];
  /** Start of the virtual clock. */
  base?: number;
  /** ms of real time per recorded ms (0 = only a short gap between chunks). */
  speed?: number;
  /** Bytes to send instead of/in addition to the recording, after it (bad input tests). */
  extra?: Buffer[];
  /** Wait for `begin()` instead of streaming once the client's resync actions are answered. */
  manualStart?: boolean;
}

/** The PBX of the recordings before each scenario: agents 1001–1003 idle in both queues. */
function idleQueueStatus(actionId: string): string {
  let out = '';
  for (const queue of ['support', 'sales']) {
    out += `Event: QueueParams\r\nQueue: ${queue}\r\nMax: 0\r\nStrategy: rrmemory\r\nCalls: 0\r\nHoldtime: 0\r\nTalkTime: 0\r\nCompleted: 0\r\nAbandoned: 0\r\nServiceLevel: 20\r\nServicelevelPerf: 0.0\r\nServicelevelPerf2: 0.0\r\nWeight: 0\r\nActionID: ${actionId}\r\n\r\n`;
    for (const extension of ['1001', '1002', '1003']) {
      out += `Event: QueueMember\r\nQueue: ${queue}\r\nName: Agent ${extension}\r\nLocation: Local/${extension}@agents/n\r\nStateInterface: Custom:agent${extension}\r\nMembership: static\r\nPenalty: 0\r\nCallsTaken: 0\r\nLastCall: 0\r\nLastPause: 0\r\nLoginTime: 1795358512\r\nInCall: 0\r\nStatus: 1\r\nPaused: 0\r\nPausedReason: \r\nWrapuptime: 0\r\nActionID: ${actionId}\r\n\r\n`;
    }
  }
  return out;
}

/**
 * Serves recordings to one AMI client at a time: banner, a Login answer carrying the client's
 * own ActionID, answers to the resync actions (empty lists: before the recording starts the PBX
 * is idle), then each recorded server chunk after the Login in order.
 */
export async function startAmiReplay(options: ReplayOptions): Promise<ReplayServer> {
  const base = options.base ?? Date.parse('2026-11-22T14:41:56Z');
  let virtual = base;
  let offset = 0;
  const queue: Array<{ t: number; data: Buffer }> = [];
  for (const scenario of options.scenarios) {
    const timeline = loadTimeline(scenario).filter((chunk) => chunk.dir === 'server');
    const loginIndex = timeline.findIndex((chunk) => chunk.data.includes('Authentication accepted'));
    const loginChunk = timeline[loginIndex];
    if (!loginChunk) throw new Error(`${scenario}: no login answer in the recording`);
    // Whatever the recording sent together with its login answer comes first.
    const rest = loginChunk.data.replace(/^Response: Success\r\nActionID: [^\r]*\r\nMessage: Authentication accepted\r\n\r\n/, '');
    if (rest) queue.push({ t: offset + loginChunk.t, data: Buffer.from(rest, 'latin1') });
    for (const chunk of timeline.slice(loginIndex + 1)) queue.push({ t: offset + chunk.t, data: Buffer.from(chunk.data, 'latin1') });
    offset += (timeline[timeline.length - 1]?.t ?? 0) + 1000;
  }
  for (const data of options.extra ?? []) queue.push({ t: offset, data });
  let cursor = 0;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let current: net.Socket | null = null;

  let beginCurrent: () => void = () => undefined;
  const server = net.createServer((socket) => {
    current?.destroy();
    current = socket;
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    let streaming = false;
    let resyncAnswered = 0;
    const startStreaming = () => {
      if (streaming) return;
      streaming = true;
      void stream(socket);
    };
    beginCurrent = startStreaming;
    onClientActions(socket, (frame) => {
      const action = String(frame.action ?? '').toLowerCase();
      const actionId = String(frame.actionid ?? '');
      if (action === 'login') {
        socket.write(`Response: Success\r\nActionID: ${actionId}\r\nMessage: Authentication accepted\r\n\r\n`);
        if (!options.manualStart) setTimeout(startStreaming, 1500).unref();
      } else if (action === 'ping') {
        socket.write(`Response: Success\r\nActionID: ${actionId}\r\nPing: Pong\r\nTimestamp: ${(virtual / 1000).toFixed(6)}\r\n\r\n`);
      } else if (action === 'coreshowchannels' || action === 'queuestatus' || action === 'queuesummary') {
        const complete = { coreshowchannels: 'CoreShowChannelsComplete', queuestatus: 'QueueStatusComplete', queuesummary: 'QueueSummaryComplete' }[action];
        const items = action === 'queuestatus' ? idleQueueStatus(actionId) : '';
        socket.write(
          `Response: Success\r\nActionID: ${actionId}\r\nEventList: start\r\nMessage: list will follow\r\n\r\n` +
            items +
            `Event: ${complete}\r\nActionID: ${actionId}\r\nEventList: Complete\r\nListItems: ${items ? 8 : 0}\r\n\r\n`,
        );
        resyncAnswered += 1;
        if (resyncAnswered >= 3 && !options.manualStart) setTimeout(startStreaming, 20);
      } else if (action === 'logoff') {
        socket.end(`Response: Goodbye\r\nActionID: ${actionId}\r\nMessage: Thanks for all the fish.\r\n\r\n`);
      } else if (action) {
        socket.write(`Response: Success\r\nActionID: ${actionId}\r\nMessage: Accepted by the replay\r\n\r\n`);
      }
    });
    socket.on('error', () => undefined);
  });

  async function stream(socket: net.Socket): Promise<void> {
    const speed = options.speed ?? 0;
    let lastT = queue[cursor]?.t ?? 0;
    while (cursor < queue.length && current === socket && !socket.destroyed) {
      const item = queue[cursor];
      if (!item) break;
      const wait = speed > 0 ? Math.max(1, (item.t - lastT) * speed) : 2;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (current !== socket || socket.destroyed) return;
      lastT = item.t;
      virtual = base + item.t;
      socket.write(item.data);
      cursor += 1;
    }
    if (cursor >= queue.length) {
      // Let the client read the last bytes before the test looks.
      setTimeout(finish, 100);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('replay server has no port');
  return {
    port: address.port,
    finished,
    now: () => virtual,
    begin: () => beginCurrent(),
    cut: () => current?.destroy(),
    close: () =>
      new Promise<void>((resolve) => {
        current?.destroy();
        server.close(() => resolve());
      }),
  };
}
