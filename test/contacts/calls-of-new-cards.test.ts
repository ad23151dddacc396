import type { Contact, TimelineItem } from '@crm/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import type { TelephonyService } from '../../server/src/telephony/index.js';
import { callApi, startTestApp, type LoggedIn, type TestApp } from '../support/app.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';

describe('calls of a caller who gets a card only during or after the call', () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  let telephony: TelephonyService;
  let agent: LoggedIn;

  beforeAll(async () => {
    pbx = await startTestPbx();
    app = await startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) });
    telephony = app.context.telephony as TelephonyService;
    // Only agent 1001 takes queue calls (and answers by itself: nobody drives its phone).
    await telephony.queuePause({ extension: '1002', paused: true, reason: 'lunch' });
    await telephony.queuePause({ extension: '1003', paused: true, reason: 'training' });
    agent = await app.login('agent1');
  });
  afterAll(async () => {
    await app?.stop();
    await pbx?.close();
  });

  const saveCard = async (name: string, phone: string): Promise<Contact> => {
    const created = await callApi<{ contact: Contact }>(app.baseUrl, agent, 'POST', '/api/contacts', { name, phones: [phone] });
    expect(created.status).toBe(201);
    return created.body.contact;
  };
  const callsInTimeline = async (contactId: string) => {
    const { body } = await callApi<{ items: TimelineItem[] }>(app.baseUrl, agent, 'GET', `/api/contacts/${contactId}/timeline`);
    return body.items.flatMap((item) => (item.kind === 'call' ? [item.call.linkedid] : []));
  };
  /** Places a queue call from `from` and waits until it ended and its record is stored. */
  const completedCall = async (from: string, duringCall?: () => Promise<void>) => {
    const linkedid = pbx.placeInboundCall({ from, queue: 'support', patienceSeconds: 60, talkSeconds: 40 });
    await waitFor(() => telephony.activeCall(linkedid)?.answeredAt, `call ${linkedid} answered`);
    await duringCall?.();
    await waitFor(() => telephony.activeCall(linkedid) === null, `call ${linkedid} ended`);
    await telephony.flushed();
    return linkedid;
  };

  it('shows the call in the timeline of the card the agent saved for the unknown caller during it', async () => {
    let card: Contact | null = null;
    const linkedid = await completedCall('+74232009911', async () => {
      card = await saveCard('Pavel Primorsky', '+74232009911');
    });
    const saved = card as unknown as Contact;
    await expect.poll(() => callsInTimeline(saved.id)).toEqual([linkedid]);
  });

  it('gives a new card the calls its number made before the card existed, and links the next call at once', async () => {
    const first = await completedCall('+74232009922');
    const card = await saveCard('Olga Nakhodka', '+74232009922');
    await expect.poll(() => callsInTimeline(card.id)).toEqual([first]);

    // The telephony looked this number up for the first call and found no card: the card saved
    // since must be found for the next call, not a remembered "unknown".
    const second = await completedCall('+74232009922');
    const stored = await app.connection.collection('calls').findOne({ linkedid: second });
    expect(stored?.contactId).toBe(card.id);
    expect((await callsInTimeline(card.id)).sort()).toEqual([first, second].sort());
  });
});
