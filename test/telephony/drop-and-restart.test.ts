import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallRecord } from '@crm/shared';
import { createCallRepository } from '../../server/src/calls/call.repository.js';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import type { TelephonyService } from '../../server/src/telephony/index.js';
import { startCuttableLink, startTestDatabase, startTestPbx, startTestTelephony, waitFor, type CuttableLink, type TestDatabase } from '../support/pbx.js';

let db: TestDatabase;
let pbx: PbxSimulator;
let link: CuttableLink;
const services: TelephonyService[] = [];

beforeAll(async () => {
  db = await startTestDatabase();
});
afterAll(async () => {
  await db?.stop();
});
beforeEach(async () => {
  pbx = await startTestPbx();
  link = await startCuttableLink(pbx.port);
});
afterEach(async () => {
  for (const service of services.splice(0)) await service.stop();
  await link.close();
  await pbx.close();
});

async function connect(): Promise<{ telephony: TelephonyService; ended: CallRecord[] }> {
  const telephony = startTestTelephony({ port: link.port, connection: db.connection });
  services.push(telephony);
  const ended: CallRecord[] = [];
  telephony.on('call:ended', (call) => ended.push(call));
  await telephony.start();
  await waitFor(() => telephony.status().up && telephony.agentStates().length === 3, 'AMI up');
  return { telephony, ended };
}

const repository = () => createCallRepository(db.connection);
async function recordsOf(telephony: TelephonyService, linkedids: string[]) {
  await telephony.flushed();
  const page = await repository().list({ page: 1, pageSize: 500 });
  return page.items.filter((item) => linkedids.includes(item.linkedid));
}

describe('AMI connection drops mid-call', () => {
  it('keeps following calls that are still up after the link is cut and comes back', async () => {
    const { telephony, ended } = await connect();
    const talking = pbx.placeInboundCall({ from: '+73432001122', queue: 'support', patienceSeconds: 60, talkSeconds: 40 });
    const waiting = pbx.placeInboundCall({ from: '+73432003344', queue: 'sales', patienceSeconds: 200, talkSeconds: 600 });
    await waitFor(() => telephony.activeCalls().find((call) => call.linkedid === talking)?.answeredAt, 'an agent to answer');
    link.cut();
    await waitFor(() => !telephony.status().up, 'the link to drop');
    await waitFor(() => telephony.status().up, 'the reconnect');
    await waitFor(() => ended.find((call) => call.linkedid === talking), 'the talking call to end', 30_000);
    const records = await recordsOf(telephony, [talking, waiting]);
    expect(records).toHaveLength(2);
    expect(records.find((call) => call.linkedid === talking)).toMatchObject({ result: 'answered', active: false, endedDuringOutage: false });
    expect(records.find((call) => call.linkedid === waiting)).toMatchObject({ active: true, queue: 'sales', endedDuringOutage: false });
  });

  it('closes a call that ended while the link was down, marked as ended during the outage', async () => {
    const { telephony } = await connect();
    const linkedid = pbx.placeInboundCall({ from: '+79001112233', queue: 'support', patienceSeconds: 60, talkSeconds: 8 });
    await waitFor(() => telephony.activeCalls().find((call) => call.linkedid === linkedid)?.answeredAt, 'an agent to answer');
    link.block(true);
    link.cut();
    await waitFor(() => !telephony.status().up, 'the link to drop');
    // While we are away the caller hangs up (8 simulated seconds = 0.4 s).
    await waitFor(() => pbx.activeChannels() === 0, 'the call to end on the PBX');
    link.block(false);
    await waitFor(() => telephony.status().up, 'the reconnect');
    await waitFor(() => telephony.activeCalls().length === 0, 'resync to close the call');
    const records = await recordsOf(telephony, [linkedid]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ active: false, endedDuringOutage: true, result: 'answered', agentExtension: '1001' });
    expect(records[0]?.endedAt).not.toBeNull();
  });
});

describe('server restart mid-call', () => {
  it('a restarted server carries on with calls that are still up and closes the ones that ended meanwhile', async () => {
    const first = await connect();
    const longCall = pbx.placeInboundCall({ from: '+73432001122', queue: 'support', patienceSeconds: 60, talkSeconds: 30 });
    const shortCall = pbx.placeInboundCall({ from: '+73432003344', queue: 'support', patienceSeconds: 60, talkSeconds: 6 });
    await waitFor(
      () => [longCall, shortCall].every((linkedid) => first.telephony.activeCalls().find((call) => call.linkedid === linkedid)?.answeredAt),
      'both calls answered',
    );
    await first.telephony.stop();
    await waitFor(async () => {
      const channels = pbx.activeChannels();
      return channels > 0 && channels <= 4;
    }, 'the short call to end while the server is down (only the long call left)');
    const second = await connect();
    await waitFor(() => second.ended.find((call) => call.linkedid === longCall), 'the long call to end', 30_000);
    const records = await recordsOf(second.telephony, [longCall, shortCall]);
    expect(records).toHaveLength(2);
    expect(records.find((call) => call.linkedid === longCall)).toMatchObject({ result: 'answered', active: false, endedDuringOutage: false, agentExtension: expect.any(String) });
    expect(records.find((call) => call.linkedid === longCall)?.talkSeconds).toBeGreaterThanOrEqual(30);
    expect(records.find((call) => call.linkedid === shortCall)).toMatchObject({ result: 'answered', active: false, endedDuringOutage: true });
  });

  it('the same service stops and starts again (an instance losing and regaining the AMI lease)', async () => {
    const { telephony, ended } = await connect();
    await telephony.stop();
    expect(telephony.health().up).toBe(false);
    const linkedid = pbx.placeInboundCall({ from: '+79001110000', queue: 'support', patienceSeconds: 60, talkSeconds: 6 });
    await telephony.start();
    await waitFor(() => ended.find((call) => call.linkedid === linkedid), 'the call placed while stopped to be followed to its end');
    expect(await recordsOf(telephony, [linkedid])).toMatchObject([{ result: 'answered', active: false }]);
  });
});
