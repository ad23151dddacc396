import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallRepository } from '../../server/src/calls/call.repository.js';
import { loadServerBytes, onClientActions } from '../support/ami-replay.js';
import { startTestDatabase, startTestPbx, startTestTelephony, waitFor, type TestDatabase } from '../support/pbx.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});

/** A pino logger whose lines the test can read. */
function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A hand-driven AMI peer: accepts Login, records what the client wrote, answers Ping unless told not to. */
async function startFakePeer(options: { answerPing: boolean; afterLogin?: (socket: net.Socket) => void; refuseLists?: boolean }) {
  const written: string[] = [];
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    onClientActions(socket, (frame, block) => {
      written.push(block);
      const action = String(frame.action ?? '').toLowerCase();
      const id = String(frame.actionid ?? '');
      if (action === 'login') {
        socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        options.afterLogin?.(socket);
      } else if (action === 'ping' && options.answerPing) {
        socket.write(`Response: Success\r\nActionID: ${id}\r\nPing: Pong\r\nTimestamp: 1.0\r\n\r\n`);
      } else if (['coreshowchannels', 'queuestatus', 'queuesummary'].includes(action) && options.refuseLists) {
        socket.write(`Response: Error\r\nActionID: ${id}\r\nMessage: Permission denied\r\n\r\n`);
      } else if (['coreshowchannels', 'queuestatus', 'queuesummary'].includes(action)) {
        socket.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\n\r\nEvent: Done${action}Complete\r\nActionID: ${id}\r\nEventList: Complete\r\nListItems: 0\r\n\r\n`);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return { port: address.port, written, connections: () => connections, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('the AMI connection', () => {
  it('asks for call,agent,cdr,system events at login and never reuses an ActionID across reconnects', async () => {
    const peer = await startFakePeer({ answerPing: true, afterLogin: (socket) => setTimeout(() => socket.destroy(), 150) });
    const telephony = startTestTelephony({ port: peer.port, connection: db.connection, persist: false });
    await telephony.start();
    await waitFor(() => peer.connections() >= 3, 'three sessions');
    await telephony.stop();
    await peer.close();
    const logins = peer.written.filter((block) => /^Action: login$/im.test(block));
    expect(logins.length).toBeGreaterThanOrEqual(3);
    for (const login of logins) {
      expect(login).toMatch(/^Events: call,agent,cdr,system$/m);
      expect(login).not.toMatch(/^Event: /m);
    }
    const ids = peer.written.map((block) => /^ActionID: (.*)$/m.exec(block)?.[1]).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('notices a peer that stopped answering (no Pong) and reconnects', async () => {
    const peer = await startFakePeer({ answerPing: false });
    const telephony = startTestTelephony({
      port: peer.port,
      connection: db.connection,
      persist: false,
      timings: { pingIntervalMs: 200, pingTimeoutMs: 300, backoff: { initialMs: 100, maxMs: 500 } },
    });
    await telephony.start();
    await waitFor(() => peer.connections() >= 2, 'a second session after the silent one');
    expect(telephony.status().mode).toBe('simulator');
    await telephony.stop();
    await peer.close();
  });

  it('gives up on a peer that accepts the connection but never answers the Login, and tries again', async () => {
    let connections = 0;
    const silent = net.createServer((socket) => {
      connections += 1;
      // Read and ignore the Login, so the socket sees the client's close.
      socket.resume();
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { logger, lines } = capturingLogger();
    const telephony = startTestTelephony({
      port: (silent.address() as net.AddressInfo).port,
      connection: db.connection,
      persist: false,
      logger,
      timings: { actionTimeoutMs: 300, backoff: { initialMs: 100, maxMs: 500 } },
    });
    await telephony.start();
    await waitFor(() => connections >= 2, 'a second attempt after the silent one');
    expect(telephony.status()).toMatchObject({ up: false, detail: 'login not answered' });
    expect(lines.some((line) => line.msg === 'AMI reconnecting' && line.reason === 'login not answered')).toBe(true);
    await telephony.stop();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('treats a wrong secret as an error (Asterisk waits 1 s and closes) and retries with backoff', async () => {
    const pbx = await startTestPbx();
    const { logger, lines } = capturingLogger();
    const telephony = startTestTelephony({ port: pbx.port, connection: db.connection, persist: false, logger, ami: { host: '127.0.0.1', port: pbx.port, username: 'crm', secret: 'wrong' } });
    await telephony.start();
    await waitFor(() => lines.filter((line) => String(line.msg).includes('AMI login failed')).length >= 2, 'two failed logins', 15_000);
    expect(telephony.status()).toMatchObject({ up: false });
    expect(String(lines.find((line) => String(line.msg).includes('AMI login failed'))?.msg)).toMatch(/Authentication failed/);
    const delays = lines.filter((line) => line.msg === 'AMI reconnecting').map((line) => Number(line.delayMs));
    expect(delays[0]).toBeLessThan(1000);
    await telephony.stop();
    await pbx.close();
  });

  it('logs garbage, colon-less and 1 MB lines, unknown events and events missing fields once each, and still records the call after them', async () => {
    const junk = [
      Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x0d, 0x0a, 0x80, 0x81, 0x0d, 0x0a, 0x0d, 0x0a]),
      Buffer.from('this line has no colon\r\n\r\n'),
      Buffer.from(`${'x'.repeat(1024 * 1024)}\r\n\r\n`),
      Buffer.from('Event: SomethingNew\r\nPrivilege: call,all\r\n\r\nEvent: SomethingNew\r\n\r\n'),
      Buffer.from('Event: Hangup\r\nPrivilege: call,all\r\nCause: 16\r\n\r\nEvent: Hangup\r\nCause: 17\r\n\r\n'),
      Buffer.from('Event: AgentCalled\r\nQueue: support\r\n\r\n'),
    ];
    // Junk first, then a real call, then a server that closes in the middle of a message.
    const recording = loadServerBytes('a-inbound-answered-caller-hangup');
    const bytes = Buffer.concat([...junk, recording.subarray(recording.indexOf('Event: FullyBooted')), Buffer.from('Event: Newchannel\r\nChannel: Local/s@inb')]);
    const server = net.createServer((socket) => {
      socket.write('Asterisk Call Manager/11.0.0\r\n');
      socket.once('data', (chunk) => {
        const id = /ActionID: (.*)\r\n/i.exec(chunk.toString())?.[1] ?? '';
        socket.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
        setTimeout(() => {
          for (let offset = 0; offset < bytes.length; offset += 7000) socket.write(bytes.subarray(offset, offset + 7000));
          setTimeout(() => socket.destroy(), 200);
        }, 100);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { logger, lines } = capturingLogger();
    const countedEvents = new Set<string>();
    const metrics = {
      amiConnected: { set: () => undefined },
      amiEvents: { inc: ({ event }: { event: string }) => void countedEvents.add(event) },
      amiActions: { inc: () => undefined },
      amiReconnects: { inc: () => undefined },
    };
    const telephony = startTestTelephony({ port: (server.address() as net.AddressInfo).port, connection: db.connection, logger, metrics });
    await telephony.start();
    await waitFor(async () => (await createCallRepository(db.connection).findByLinkedid('1795358516.0'))?.active === false, 'the call after the junk', 15_000);
    // Made-up event names are counted as skipped, not as label values of their own.
    expect(countedEvents).toContain('skipped');
    expect(countedEvents).toContain('AgentConnect');
    expect(countedEvents).not.toContain('SomethingNew');
    await telephony.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const skipped = lines.filter((line) => String(line.msg).startsWith('AMI: skipped input')).map((line) => String(line.reason));
    expect(skipped).toContain('unknown event SomethingNew');
    expect(skipped).toContain('Hangup without Channel/Uniqueid');
    expect(skipped).toContain('AgentCalled without Interface/MemberName');
    expect(skipped).toContain('frame without Event or Response header');
    // Each reason once, however often it came.
    expect(new Set(skipped).size).toBe(skipped.length);
    expect(await createCallRepository(db.connection).findByLinkedid('1795358516.0')).toMatchObject({ result: 'answered', agentExtension: '1001' });
  });

  it('closes a call whose hangups never arrived once the PBX no longer lists its channels', async () => {
    const caller = 'Channel: PJSIP/trunk-00000077\r\nChannelState: 6\r\nCallerIDNum: +79009998877\r\nUniqueid: 1799000000.1\r\nLinkedid: 1799000000.1\r\n';
    const peer = await startFakePeer({
      answerPing: true,
      afterLogin: (socket) => socket.write(`Event: Newchannel\r\n${caller}\r\nEvent: QueueCallerJoin\r\n${caller}Queue: support\r\nPosition: 1\r\nCount: 1\r\n\r\n`),
    });
    const telephony = startTestTelephony({ port: peer.port, connection: db.connection, resyncIntervalMs: 300 });
    await telephony.start();
    await waitFor(async () => (await createCallRepository(db.connection).findByLinkedid('1799000000.1'))?.active === false, 'the stale call to be closed');
    expect(await createCallRepository(db.connection).findByLinkedid('1799000000.1')).toMatchObject({ queue: 'support', result: 'abandoned', endedDuringOutage: true });
    await telephony.stop();
    await peer.close();
  });

  it('keeps calls up when the PBX refuses the resync lists (an AMI user without the right), and says why', async () => {
    const caller = 'Channel: PJSIP/trunk-00000078\r\nChannelState: 6\r\nCallerIDNum: +79009998866\r\nUniqueid: 1799000001.1\r\nLinkedid: 1799000001.1\r\n';
    const peer = await startFakePeer({
      answerPing: true,
      refuseLists: true,
      afterLogin: (socket) => socket.write(`Event: Newchannel\r\n${caller}\r\nEvent: QueueCallerJoin\r\n${caller}Queue: support\r\nPosition: 1\r\nCount: 1\r\n\r\n`),
    });
    const { logger, lines } = capturingLogger();
    const telephony = startTestTelephony({ port: peer.port, connection: db.connection, persist: false, resyncIntervalMs: 300, logger });
    await telephony.start();
    await waitFor(() => lines.filter((line) => String(line.msg).startsWith('AMI resync failed')).length >= 3, 'three refused resyncs');
    expect(telephony.activeCalls()).toMatchObject([{ id: '1799000001.1', queue: 'support', active: true }]);
    expect(String(lines.find((line) => String(line.msg).startsWith('AMI resync failed'))?.err)).toMatch(/refused .*Permission denied/);
    await expect(telephony.queueStatus()).rejects.toMatchObject({ code: 'TELEPHONY_REJECTED' });
    await telephony.stop();
    await peer.close();
  });

  it('reads an older Asterisk: LF-only lines, a QueueStatus without EventList: start, legacy events and Response: Follows', async () => {
    const server = net.createServer((socket) => {
      socket.write('Asterisk Call Manager/1.3\n');
      onClientActions(socket, (frame) => {
        const id = String(frame.actionid ?? '');
        const action = String(frame.action ?? '').toLowerCase();
        if (action === 'login') {
          socket.write(`Response: Success\nActionID: ${id}\nMessage: Authentication accepted\n\nEvent: FullyBooted\nPrivilege: system,all\nStatus: Fully Booted\n\n`);
          // Asterisk 11 names and a CLI answer the CRM never asked for.
          socket.write('Event: Join\nPrivilege: call,all\nChannel: SIP/trunk-0001\nCallerID: 123\nQueue: support\nPosition: 1\nCount: 1\nUniqueid: 1413884970.1\n\n');
          socket.write('Response: Follows\nPrivilege: Command\nActionID: someone-else\nNo such command\n--END COMMAND--\n\n');
        } else if (action === 'queuestatus') {
          socket.write(
            `Response: Success\nActionID: ${id}\nMessage: Queue status will follow\n\n` +
              `Event: QueueParams\nQueue: support\nMax: 0\nStrategy: ringall\nCalls: 0\nHoldtime: 3\nTalkTime: 303\nCompleted: 60\nAbandoned: 5\nServiceLevel: 0\nServicelevelPerf: 0.0\nWeight: 0\nActionID: ${id}\n\n` +
              `Event: QueueMember\nQueue: support\nName: Agent 1001\nLocation: SIP/1001\nStateInterface: SIP/1001\nMembership: dynamic\nPenalty: 0\nCallsTaken: 2\nLastCall: 1413884970\nStatus: 1\nPaused: 1\nActionID: ${id}\n\n` +
              `Event: QueueStatusComplete\nActionID: ${id}\n\n`,
          );
        } else if (action === 'queuesummary' || action === 'coreshowchannels') {
          socket.write(`Response: Success\nActionID: ${id}\n\nEvent: ${action === 'queuesummary' ? 'QueueSummaryComplete' : 'CoreShowChannelsComplete'}\nActionID: ${id}\nEventList: Complete\nListItems: 0\n\n`);
        } else if (action === 'ping') {
          socket.write(`Response: Success\nActionID: ${id}\nPing: Pong\n\n`);
        }
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { logger, lines } = capturingLogger();
    const telephony = startTestTelephony({ port: (server.address() as net.AddressInfo).port, connection: db.connection, persist: false, logger });
    await telephony.start();
    await waitFor(() => telephony.agentState('1001')?.state === 'paused', 'the member from the old QueueStatus');
    const [support] = await telephony.queueStatus();
    expect(support).toMatchObject({ name: 'support', completed: 60, abandoned: 5, members: [{ extension: '1001', paused: true }] });
    expect(lines.map((line) => line.reason)).toContain('unknown event Join');
    expect(telephony.status().up).toBe(true);
    await telephony.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
