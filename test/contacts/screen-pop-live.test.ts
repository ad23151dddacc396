import type { CallRingingPayload, ClientToServerEvents, ServerToClientEvents } from '@crm/shared';
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { systemClock } from '../../server/src/platform/clock.js';
import { startScreenPop } from '../../server/src/screen-pop/index.js';
import type { TelephonyService } from '../../server/src/telephony/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('screen-pop pushed to the rung agent over Socket.IO (PBX simulator → AMI → card → socket)', () => {
  let server: TestApp;
  let pbx: PbxSimulator;
  let telephony: TelephonyService;
  let stopPop: () => void;
  const sockets: ClientSocket[] = [];
  const pops = new Map<string, CallRingingPayload[]>();

  async function openAgentSocket(login: string): Promise<void> {
    const { token } = await server.login(login);
    const socket: ClientSocket = connect(server.baseUrl, { reconnection: false, auth: { token } });
    sockets.push(socket);
    const received: CallRingingPayload[] = [];
    pops.set(login, received);
    socket.on('call:ringing', (payload) => received.push(payload));
    await new Promise<void>((resolve, reject) => {
      socket.once('session:ready', () => resolve());
      socket.once('connect_error', reject);
    });
  }

  beforeAll(async () => {
    server = await startTestApp(); // demo users, queues and contacts
    pbx = await startTestPbx();
    telephony = startTestTelephony({ port: pbx.port, connection: server.connection });
    await telephony.start();
    stopPop = startScreenPop({
      connection: server.connection,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      realtime: server.context.realtime,
      telephony,
    });
    await openAgentSocket('agent1');
    await openAgentSocket('agent2');
    // Only agent1 (1001) takes queue calls.
    await telephony.queuePause({ extension: '1002', paused: true, reason: 'lunch' });
    await telephony.queuePause({ extension: '1003', paused: true, reason: 'training' });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    stopPop?.();
    await telephony?.close();
    await pbx?.close();
    await server?.stop();
  });

  async function ringAgent1(from: string): Promise<CallRingingPayload> {
    const answered = new Promise<void>((resolve) => {
      const stop = telephony.on('agent:answered', ({ extension }) => {
        if (extension !== '1001') return;
        stop();
        resolve();
      });
    });
    const linkedid = pbx.placeInboundCall({ from, queue: 'support', patienceSeconds: 60, talkSeconds: 5 });
    const pop = await waitFor(() => pops.get('agent1')?.find((payload) => payload.call.linkedid === linkedid), `call:ringing for ${linkedid}`);
    await answered;
    return pop;
  }

  it("pops Ivan Petrov's card with Yekaterinburg time on agent1's screen only", async () => {
    const pop = await ringAgent1('+73432001122');
    expect(pop.contact).toMatchObject({ name: 'Ivan Petrov', company: 'Ural Steel', vip: true, openDeal: { stage: 'invoice-sent' } });
    expect(pop.localTime?.facts).toMatchObject({ zone: 'Asia/Yekaterinburg', offsetToAgentLabel: '+2 h' });
    expect(pops.get('agent2')).toEqual([]);
  });

  it('pops an unknown Vladivostok number as a new card pre-filled with country, region and zone', async () => {
    const pop = await ringAgent1('84232987654');
    expect(pop.contact).toBeNull();
    expect(pop.localTime).toMatchObject({
      phone: '+74232987654',
      country: 'RU',
      region: 'Primorie territory',
      // Each agent reads the region in their UI language; the console picks.
      regionNames: { ru: 'Приморский край', en: 'Primorie territory' },
      timeZone: { zone: 'Asia/Vladivostok', source: 'number' },
    });
    expect(pops.get('agent2')).toEqual([]);
  });
});
