import { CONTACT_EDITED_ELSEWHERE, type Contact, type ContactEditedElsewhereDetails, type ErrorBody } from '@crm/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoQueuesSeeder, demoUsersSeeder } from '../../server/src/seed/seed.js';
import { callApi, startTestApp, type LoggedIn, type TestApp } from '../support/app.js';

type Answer<T> = { status: number; body: T; etag: string | null };

describe('two people editing one contact card', () => {
  let server: TestApp;
  let agent1: LoggedIn;
  let agent2: LoggedIn;
  let admin: LoggedIn;

  beforeAll(async () => {
    server = await startTestApp({ seed: [demoQueuesSeeder, demoUsersSeeder] });
    [agent1, agent2, admin] = await Promise.all([server.login('agent1'), server.login('agent2'), server.login('admin')]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = <T>(who: LoggedIn, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>> =>
    callApi<T>(server.baseUrl, who, method, path, body, headers);
  const edit = (who: LoggedIn, id: string, change: Record<string, unknown>, headers?: Record<string, string>) =>
    call<{ contact: Contact } & ErrorBody>(who, 'PATCH', `/api/contacts/${id}`, change, headers);
  const read = async (id: string) => (await call<{ contact: Contact }>(agent1, 'GET', `/api/contacts/${id}`)).body.contact;
  const createCard = async (card: Record<string, unknown>) => {
    const created = await call<{ contact: Contact }>(agent1, 'POST', '/api/contacts', card);
    expect(created.status).toBe(201);
    return created.body.contact;
  };

  it('keeps every colleague’s change when several fields of one card are saved at the same moment', async () => {
    const card = await createCard({ name: 'Olga Concurrent', phones: ['+7 343 200-77-01'] });
    const changes = [
      { company: 'Ural Glass' },
      { email: 'olga@uralglass.example' },
      { address: 'Lenina 1' },
      { leadSource: 'Exhibition' },
      { segment: 'B' },
      { vip: true },
      { tags: ['glass'] },
    ];
    const answers = await Promise.all(changes.map((change, index) => edit(index % 2 ? agent1 : agent2, card.id, change)));
    expect(answers.map(({ status }) => status)).toEqual(changes.map(() => 200));
    expect(await read(card.id)).toMatchObject(Object.assign({ name: 'Olga Concurrent', phones: ['+73432007701'] }, ...changes));
  });

  it('refuses a save made from a card someone changed since it was read, with 409 and the card as it is now', async () => {
    const card = await createCard({ name: 'Pavel Versioned', company: 'Old Co', phones: ['+7 343 200-77-02'] });

    // Both open the card; agent2 saves first.
    const saved = await edit(agent2, card.id, { company: 'Agent Two Co', expectedUpdatedAt: card.updatedAt });
    expect(saved.status).toBe(200);
    expect(saved.body.contact.updatedAt).not.toBe(card.updatedAt);

    const refused = await edit(agent1, card.id, { company: 'Agent One Co', city: 'Perm', expectedUpdatedAt: card.updatedAt });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe(CONTACT_EDITED_ELSEWHERE);
    expect(refused.body.error.message).toContain('Pavel Versioned');
    const { contact: now } = refused.body.error.details as ContactEditedElsewhereDetails;
    expect(now).toMatchObject({ id: card.id, company: 'Agent Two Co', updatedAt: saved.body.contact.updatedAt });
    // Nothing of the refused edit was written.
    expect(await read(card.id)).toMatchObject({ company: 'Agent Two Co', city: null });

    // Reloaded, the same edit goes through.
    const retried = await edit(agent1, card.id, { company: 'Agent One Co', expectedUpdatedAt: now.updatedAt });
    expect(retried.status).toBe(200);
    expect(retried.body.contact.company).toBe('Agent One Co');
  });

  it('lets exactly one of two saves from the same version through, even when they arrive together', async () => {
    const card = await createCard({ name: 'Rita Race', phones: ['+7 343 200-77-03'] });
    const [one, two] = await Promise.all([
      edit(agent1, card.id, { company: 'One', expectedUpdatedAt: card.updatedAt }),
      edit(agent2, card.id, { company: 'Two', expectedUpdatedAt: card.updatedAt }),
    ]);
    expect([one.status, two.status].sort()).toEqual([200, 409]);
    const winner = one.status === 200 ? 'One' : 'Two';
    expect((await read(card.id)).company).toBe(winner);
  });

  it('takes the version as an If-Match header too: the ETag of the card read', async () => {
    const card = await createCard({ name: 'Semyon Etag', phones: ['+7 343 200-77-04'] });
    const opened = await call<{ contact: Contact }>(agent1, 'GET', `/api/contacts/${card.id}`);
    expect(opened.etag).toBe(`"${card.updatedAt}"`);

    const saved = await edit(agent2, card.id, { city: 'Perm' }, { 'if-match': opened.etag! });
    expect(saved.status).toBe(200);
    expect(saved.etag).toBe(`"${saved.body.contact.updatedAt}"`);
    const stale = await edit(agent1, card.id, { city: 'Omsk' }, { 'if-match': opened.etag! });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe(CONTACT_EDITED_ELSEWHERE);

    const garbled = await edit(agent1, card.id, { city: 'Omsk' }, { 'if-match': '"yesterday"' });
    expect(garbled.status).toBe(400);
  });

  it('without a version, writes the fields given over what is stored and leaves the rest (last write wins per field)', async () => {
    const card = await createCard({ name: 'Tanya Legacy', company: 'First', email: 'tanya@first.example', phones: ['+7 343 200-77-05'] });
    await edit(agent2, card.id, { email: 'tanya@second.example' });
    const legacy = await edit(agent1, card.id, { company: 'Second' });
    expect(legacy.status).toBe(200);
    expect(legacy.body.contact).toMatchObject({ company: 'Second', email: 'tanya@second.example' });
  });

  it('changes only the custom fields named, keeping a colleague’s value of another one', async () => {
    const defined = await call(admin, 'PATCH', '/api/settings', {
      customFields: [
        { key: 'employees', label: 'Employees', type: 'number' },
        { key: 'industry', label: 'Industry', type: 'choice', choices: ['Retail', 'Steel'] },
      ],
    });
    expect(defined.status).toBe(200);
    const card = await createCard({ name: 'Uma Custom', phones: ['+7 343 200-77-06'], customFields: { employees: 10 } });
    const [first, second] = await Promise.all([
      edit(agent1, card.id, { customFields: { employees: 250 } }),
      edit(agent2, card.id, { customFields: { industry: 'Steel' } }),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await read(card.id)).customFields).toEqual({ employees: 250, industry: 'Steel' });

    const cleared = await edit(agent1, card.id, { customFields: { industry: null } });
    expect(cleared.body.contact.customFields).toEqual({ employees: 250 });
  });
});
