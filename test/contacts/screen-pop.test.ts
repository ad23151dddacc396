import type { CallRecord, Deal, ErrorBody, TimelineItem } from '@crm/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import { createContactRepository } from '../../server/src/contacts/contact.repository.js';
import { manualClock } from '../../server/src/platform/clock.js';
import { createScreenPopService, type ScreenPopService } from '../../server/src/screen-pop/index.js';
import { startTestApp, type LoggedIn, type TestApp } from '../support/app.js';

const ringing = (overrides: Partial<CallRecord>): CallRecord =>
  buildCallRecord({
    id: 'call-now',
    linkedid: '1771500000.10',
    calledNumber: '+74951000000',
    queue: 'sales',
    startedAt: '2026-02-10T09:00:00.000Z',
    queuedAt: '2026-02-10T09:00:00.000Z',
    ringingAt: '2026-02-10T09:00:04.000Z',
    waitSeconds: null,
    ...overrides,
  });

describe('screen-pop for a ringing call, with the demo contacts in the store', () => {
  const clock = manualClock('2026-02-10T09:00:05Z'); // 14:00 in Yekaterinburg, 19:00 in Vladivostok
  let server: TestApp;
  let screenPop: ScreenPopService;
  let agent: LoggedIn;

  beforeAll(async () => {
    server = await startTestApp({ clock }); // seeds the demo users, queues and contacts
    screenPop = createScreenPopService({ connection: server.connection, clock });
    agent = await server.login('agent1');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("pops Ivan Petrov's card with his open deal, next step and Yekaterinburg time", async () => {
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({}) });
    expect(pop.contact).toMatchObject({
      name: 'Ivan Petrov',
      company: 'Ural Steel',
      segment: 'A',
      vip: true,
      ownerId: agent.user.id,
      openDeal: { title: 'Rolled steel, Q2 contract', stage: 'invoice-sent', nextStep: { text: 'Confirm the invoice was paid' } },
    });
    expect(pop.localTime?.facts).toMatchObject({
      zone: 'Asia/Yekaterinburg',
      localTime: '2026-02-10T14:00:05.000+05:00',
      offsetToAgentLabel: '+2 h',
      isInsideCallingWindow: true,
    });
  });

  it('finds the card whatever format the PBX gives the number in', async () => {
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({ callerNumber: '83432001122' }) });
    expect(pop.contact?.name).toBe('Ivan Petrov');
    expect(pop.localTime?.phone).toBe('+73432001122');
  });

  it('shows past calls and notes as the last interactions, not the ringing call itself', async () => {
    const contacts = createContactRepository(server.connection);
    const ivan = await contacts.findByPhone('+73432001122');
    await server.connection.collection('calls').insertMany([
      { id: 'call-old', linkedid: '1771000000.1', direction: 'inbound', callerNumber: '+73432001122', contactId: ivan?.id, result: 'answered', startedAt: new Date('2026-02-01T08:00:00Z'), talkSeconds: 120 },
      { id: 'call-now', linkedid: '1771500000.10', direction: 'inbound', callerNumber: '+73432001122', contactId: ivan?.id, result: null, startedAt: new Date('2026-02-10T09:00:00Z') },
    ]);
    await fetch(`${server.baseUrl}/api/contacts/${ivan?.id}/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Prefers calls after lunch' }),
    });
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({ contactId: ivan?.id ?? null }) });
    const described = pop.contact?.lastInteractions.map((item) => (item.kind === 'call' ? `call ${item.call.id}` : item.kind === 'note' ? item.note.text : item.kind));
    expect(described).toEqual(['Prefers calls after lunch', 'call call-old']);

    const timeline = await fetch(`${server.baseUrl}/api/contacts/${ivan?.id}/timeline`, { headers: { authorization: `Bearer ${agent.token}` } });
    const { items } = (await timeline.json()) as { items: TimelineItem[] };
    // The note and the deal's stage history were written at 09:00:05, the ringing call started at 09:00:00.
    expect(items.map((item) => item.kind)).toEqual(['note', 'deal-stage', 'deal-stage', 'deal-stage', 'deal-stage', 'call', 'call']);
  });

  it('pops no card for an unknown Vladivostok number, with country, region and zone to pre-fill one', async () => {
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({ callerNumber: '+74232999999' }) });
    expect(pop.contact).toBeNull();
    expect(pop.localTime).toMatchObject({
      phone: '+74232999999',
      country: 'RU',
      region: 'Primorie territory',
      timeZone: { zone: 'Asia/Vladivostok', source: 'number' },
      facts: { localTime: '2026-02-10T19:00:05.000+10:00', offsetToAgentLabel: '+7 h', isInsideCallingWindow: true },
    });
  });

  it("uses the client's side of an outbound call", async () => {
    const pop = await screenPop.forRinging({
      extension: '1001',
      call: ringing({ direction: 'outbound', callerNumber: '1001', calledNumber: '+12125550143' }),
    });
    expect(pop.contact?.name).toBe('John Miller');
    expect(pop.localTime?.facts).toMatchObject({ zone: 'America/New_York', isInsideCallingWindow: false, nextAllowedAt: '2026-02-10T14:00:00.000Z' });
  });

  it('moves a deal through the funnel; a lost deal needs a reason', async () => {
    const contacts = createContactRepository(server.connection);
    const orlov = await contacts.findByPhone('+74232401010');
    const headers = { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' };
    const list = await fetch(`${server.baseUrl}/api/deals?contactId=${orlov?.id}`, { headers });
    const [deal] = ((await list.json()) as { items: Deal[] }).items;
    expect(deal).toMatchObject({ stage: 'new', status: 'open' });
    const moved = await fetch(`${server.baseUrl}/api/deals/${deal?.id}/stage`, { method: 'POST', headers, body: JSON.stringify({ stage: 'qualified' }) });
    expect(((await moved.json()) as { deal: Deal }).deal.stageHistory.map((entry) => entry.stage)).toEqual(['new', 'qualified']);
    const noReason = await fetch(`${server.baseUrl}/api/deals/${deal?.id}/stage`, { method: 'POST', headers, body: JSON.stringify({ stage: 'lost' }) });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as ErrorBody).error.code).toBe('LOST_REASON_REQUIRED');
    const lost = await fetch(`${server.baseUrl}/api/deals/${deal?.id}/stage`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ stage: 'lost', reason: 'Budget cut' }),
    });
    expect(((await lost.json()) as { deal: Deal }).deal).toMatchObject({ status: 'lost', lostReason: 'Budget cut', nextStep: null });
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({ callerNumber: '+74232401010' }) });
    expect(pop.contact?.openDeal).toBeNull();
    const nextStep = await fetch(`${server.baseUrl}/api/deals/${deal?.id}`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ nextStep: { text: 'Call again' } }),
    });
    expect(nextStep.status).toBe(409);
    expect(((await nextStep.json()) as ErrorBody).error.code).toBe('DEAL_CLOSED');
  });

  it("uses the calling window an admin sets: 14:00 in Yekaterinburg is outside 15:00–21:00", async () => {
    const admin = await server.login('admin');
    const changed = await fetch(`${server.baseUrl}/api/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ callingWindow: { start: '15:00', end: '21:00' } }),
    });
    expect(changed.status).toBe(200);
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({}) });
    expect(pop.localTime?.facts).toMatchObject({ isInsideCallingWindow: false, nextAllowedAt: '2026-02-10T10:00:00.000Z' });
  });

  it("answers a card's local time for click-to-dial: New York is asleep at 04:00", async () => {
    const john = await createContactRepository(server.connection).findByPhone('+12125550143');
    const response = await fetch(`${server.baseUrl}/api/contacts/${john?.id}/local-time`, { headers: { authorization: `Bearer ${agent.token}` } });
    const { localTime } = (await response.json()) as { localTime: { facts: { localTime: string; isInsideCallingWindow: boolean } } };
    expect(localTime.facts).toMatchObject({ localTime: '2026-02-10T04:00:05.000-05:00', isInsideCallingWindow: false });
  });

  it('finds the card by number when the call still names a card merged away', async () => {
    const pop = await screenPop.forRinging({ extension: '1001', call: ringing({ contactId: '0123456789abcdef01234567' }) });
    expect(pop.contact?.name).toBe('Ivan Petrov');
  });
});
