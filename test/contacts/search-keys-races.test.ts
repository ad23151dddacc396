import type { Contact, ListContactsResponse } from '@crm/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactModel } from '../../server/src/contacts/contact.model.js';
import { searchFields } from '../../server/src/contacts/contact-search.js';
import { demoQueuesSeeder, demoUsersSeeder } from '../../server/src/seed/seed.js';
import { callApi, startTestApp, type LoggedIn, type TestApp } from '../support/app.js';

describe('search keys when colleagues edit one card at the same moment', () => {
  let server: TestApp;
  let agent1: LoggedIn;
  let agent2: LoggedIn;

  beforeAll(async () => {
    server = await startTestApp({ seed: [demoQueuesSeeder, demoUsersSeeder] });
    [agent1, agent2] = await Promise.all([server.login('agent1'), server.login('agent2')]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = <T>(who: LoggedIn, method: string, path: string, body?: unknown) => callApi<T>(server.baseUrl, who, method, path, body);

  const search = async (q: string) =>
    (await call<ListContactsResponse>(agent1, 'GET', `/api/contacts?q=${encodeURIComponent(q)}`)).body.items.map((contact) => contact.id);

  it('finds a card by its new name and its new company after two version-less edits raced', async () => {
    // Several cards at once, each with one name edit and one company edit sent together: without
    // the fix at least one of them keeps keys built from a stale card (the race needs no luck then).
    const cards = await Promise.all(
      Array.from({ length: 6 }, async (_, index) => {
        const created = await call<{ contact: Contact }>(agent1, 'POST', '/api/contacts', {
          name: `Oldname${index} Racer`,
          company: `Oldco${index}`,
          phones: [`+7 343 210-30-${String(10 + index)}`],
        });
        expect(created.status).toBe(201);
        return created.body.contact;
      }),
    );
    const answers = await Promise.all(
      cards.flatMap((card, index) => [
        call(agent1, 'PATCH', `/api/contacts/${card.id}`, { name: `Newname${index} Racer` }),
        call(agent2, 'PATCH', `/api/contacts/${card.id}`, { company: `Newco${index}` }),
      ]),
    );
    expect(answers.map(({ status }) => status)).toEqual(answers.map(() => 200));

    for (const [index, card] of cards.entries()) {
      expect(await search(`newname${index}`)).toEqual([card.id]);
      expect(await search(`newco${index}`)).toEqual([card.id]);
      expect(await search(`oldname${index}`)).toEqual([]);
      expect(await search(`oldco${index}`)).toEqual([]);
    }
    // What is stored is what the stored fields give, not merely something that happens to match.
    const stored = await contactModel(server.connection)
      .find({ _id: { $in: cards.map((card) => card.id) } })
      .lean();
    for (const doc of stored) expect(doc.searchKeys.sort()).toEqual(searchFields(doc).searchKeys.sort());
  });
});
