import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallRepository } from '../../server/src/calls/call.repository.js';
import { createTelephony, type TelephonyService } from '../../server/src/telephony/index.js';
import pino from 'pino';
import { startAmiReplay, type Scenario } from '../support/ami-replay.js';
import { startTestDatabase, waitFor, type TestDatabase } from '../support/pbx.js';

let db: TestDatabase;
let contactId: string;

beforeAll(async () => {
  db = await startTestDatabase();
  const inserted = await db.connection.collection('contacts').insertOne({ name: 'Ivan Petrov', phones: ['+73432001122'] });
  contactId = String(inserted.insertedId);
});
afterAll(async () => {
  await db?.stop();
});

/** Serves one recording over TCP to the product's AMI client and returns what was stored. */
async function replayThroughProduct(scenario: Scenario) {
  const replay = await startAmiReplay({ scenarios: [scenario], manualStart: true });
  const telephony: TelephonyService = createTelephony({
    ami: { host: '127.0.0.1', port: replay.port, username: 'crm', secret: 'crm-secret' },
    mode: 'external',
    connection: db.connection,
    logger: pino({ level: 'silent' }),
    clock: { now: () => new Date(replay.now()) },
    defaultCountry: 'RU',
  });
  const ringing: string[] = [];
  telephony.on('agent:ringing', ({ extension }) => ringing.push(extension));
  const transitions: string[] = [];
  telephony.on('agent:state', (status) => transitions.push(`${status.extension}:${status.state}`));
  try {
    await telephony.start();
    await waitFor(() => telephony.status().up, 'AMI up');
    // The resync answers (agents idle in both queues) are in before the recording starts.
    await telephony.flushed();
    replay.begin();
    await replay.finished;
    await telephony.flushed();
    const agents = telephony.agentStates();
    const rna = ['1001', '1002', '1003'].map((extension) => telephony.ringNoAnswerCount(extension));
    return { agents, ringing, rna, transitions };
  } finally {
    await telephony.stop();
    await replay.close();
  }
}

const repository = () => createCallRepository(db.connection);

describe('replaying recorded Asterisk 22 sessions over TCP', () => {
  it('a: stores one answered inbound call: agent 1001, wait 3 s, talk 11 s, linked to the caller’s card', async () => {
    const { ringing, agents, transitions } = await replayThroughProduct('a-inbound-answered-caller-hangup');
    expect(transitions.filter((item) => item.startsWith('1001:'))).toEqual(['1001:ready', '1001:ringing', '1001:on-call', '1001:ready']);
    const call = await repository().findByLinkedid('1795358516.0');
    expect(call).toMatchObject({
      direction: 'inbound',
      callerNumber: '+73432001122',
      queue: 'support',
      agentExtension: '1001',
      result: 'answered',
      waitSeconds: 3,
      talkSeconds: 11,
      contactId,
      active: false,
      endedDuringOutage: false,
    });
    expect(ringing).toEqual(['1001']);
    expect(agents.find((agent) => agent.extension === '1001')).toMatchObject({ state: 'ready', queues: ['sales', 'support'] });
  });

  it('b: stores one abandoned call after 20 s with 1002 (ring-no-answer) and 1003 rung', async () => {
    const { rna, agents, transitions } = await replayThroughProduct('b-inbound-abandon');
    expect(transitions.filter((item) => item.startsWith('1002:'))).toEqual(['1002:ready', '1002:ringing', '1002:ready']);
    const call = await repository().findByLinkedid('1795358533.4');
    expect(call).toMatchObject({ direction: 'inbound', result: 'abandoned', waitSeconds: 20, ringingAgents: ['1002', '1003'], agentExtension: null, active: false });
    expect(rna).toEqual([0, 1, 0]);
    expect(agents.every((agent) => agent.state === 'ready')).toBe(true);
  });

  it('d: stores the click-to-call answered by the client as outbound, agent 1001, talk 10 s', async () => {
    const { agents } = await replayThroughProduct('d-outbound-answered');
    expect(agents.find((agent) => agent.extension === '1001')).toMatchObject({ state: 'ready' });
    const call = await repository().findByLinkedid('1795358588.26');
    expect(call).toMatchObject({ direction: 'outbound', agentExtension: '1001', calledNumber: '+73432001122', result: 'answered', talkSeconds: 10, contactId, active: false });
  });

  it('e: stores the click-to-call to a busy client as busy', async () => {
    const { agents } = await replayThroughProduct('e-outbound-busy');
    expect(agents.find((agent) => agent.extension === '1002')).toMatchObject({ state: 'ready', queues: ['sales', 'support'] });
    const call = await repository().findByLinkedid('1795358607.30');
    expect(call).toMatchObject({ direction: 'outbound', agentExtension: '1002', calledNumber: '+73432000486', result: 'busy', talkSeconds: null, active: false });
  });

  it('stores nothing twice when the same session is replayed again', async () => {
    await replayThroughProduct('a-inbound-answered-caller-hangup');
    const before = await repository().findByLinkedid('1795358516.0');
    await replayThroughProduct('a-inbound-answered-caller-hangup');
    const page = await repository().list({ page: 1, pageSize: 500, number: '73432001122' });
    expect(page.items.filter((item) => item.linkedid === '1795358516.0')).toHaveLength(1);
    // The outcome is the same; receive times may differ by the few ms the replay took.
    const after = await repository().findByLinkedid('1795358516.0');
    const outcome = (call: typeof after) => call && { ...call, startedAt: null, queuedAt: null, ringingAt: null, answeredAt: null, endedAt: null };
    expect(outcome(after)).toEqual(outcome(before));
  });

  it('refuses console phone control against a real Asterisk (agents use their real phones)', async () => {
    const telephony = createTelephony({
      ami: { host: '127.0.0.1', port: 1, username: 'crm', secret: 'crm-secret' },
      mode: 'external',
      connection: db.connection,
      logger: pino({ level: 'silent' }),
      clock: { now: () => new Date() },
      defaultCountry: 'RU',
    });
    await expect(telephony.simPhone('1001', 'answer')).rejects.toMatchObject({ code: 'PHONE_CONTROL_UNAVAILABLE', status: 409 });
    expect(telephony.health()).toMatchObject({ mode: 'external', up: false });
  });
});
