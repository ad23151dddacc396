import { CONTACT_EDITED_ELSEWHERE, type Contact, type ContactEditedElsewhereDetails, type ErrorBody, type ListContactsResponse, type MergeContactsResponse } from '@crm/shared';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContactCalls, type ContactCalls } from '../../server/src/contacts/contact-calls.js';
import { createContactRepository, type ContactRepository } from '../../server/src/contacts/contact.repository.js';
import { createContactsService, type ContactsService } from '../../server/src/contacts/contacts.service.js';
import { createDealRepository, type DealRepository } from '../../server/src/deals/deal.repository.js';
import { AppError } from '../../server/src/http/app-error.js';
import { demoQueuesSeeder, demoUsersSeeder } from '../../server/src/seed/seed.js';
import { callApi, startTestApp, type LoggedIn, type TestApp } from '../support/app.js';

type Answer<T> = { status: number; body: T };
type MergeAnswer = Answer<MergeContactsResponse & ErrorBody>;

describe('merging two cards while colleagues work on them', () => {
  let server: TestApp;
  let agent: LoggedIn;
  let supervisor: LoggedIn;
  let supervisor2: LoggedIn;
  let nextNumber = 10;

  beforeAll(async () => {
    server = await startTestApp({ seed: [demoQueuesSeeder, demoUsersSeeder] });
    [agent, supervisor, supervisor2] = await Promise.all([server.login('agent1'), server.login('supervisor'), server.login('manager')]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = <T>(who: LoggedIn, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer<T>> =>
    callApi<T>(server.baseUrl, who, method, path, body, headers);
  /** A card with a number no other test uses. */
  const createCard = async (card: Record<string, unknown>) => {
    nextNumber += 1;
    const created = await call<{ contact: Contact }>(agent, 'POST', '/api/contacts', { phones: [`+7 343 220-40-${nextNumber}`], ...card });
    expect(created.status).toBe(201);
    return created.body.contact;
  };
  const read = async (id: string) => {
    const answer = await call<{ contact: Contact }>(agent, 'GET', `/api/contacts/${id}`);
    return answer.status === 200 ? answer.body.contact : null;
  };
  const merge = (keptId: string, body: Record<string, unknown>, headers?: Record<string, string>, who = supervisor): Promise<MergeAnswer> =>
    call(who, 'POST', `/api/contacts/${keptId}/merge`, body, headers);
  const addNote = async (contactId: string, text: string) => {
    expect((await call(agent, 'POST', `/api/contacts/${contactId}/notes`, { text })).status).toBe(201);
  };
  const notesOf = async (contactId: string) => {
    const answer = await call<{ items: Array<{ kind: string; note?: { text: string } }> }>(agent, 'GET', `/api/contacts/${contactId}/timeline`);
    if (answer.status === 404) return [];
    return answer.body.items.flatMap((item) => (item.kind === 'note' && item.note ? [item.note.text] : [])).sort();
  };
  const ownerOfNumber = async (e164: string) =>
    (await call<ListContactsResponse>(agent, 'GET', `/api/contacts?phone=${encodeURIComponent(e164)}`)).body.items.map((contact) => contact.id);

  describe('the versions the user saw', () => {
    it('refuses the merge when the card to keep was edited after the user opened the merge, naming that card', async () => {
      const kept = await createCard({ name: 'Kira Kept' });
      const source = await createCard({ name: 'K. Source', company: 'Source Co' });
      await addNote(source.id, 'On the source');
      const edited = await call<{ contact: Contact }>(agent, 'PATCH', `/api/contacts/${kept.id}`, { city: 'Perm' });
      expect(edited.status).toBe(200);

      const refused = await merge(kept.id, { sourceId: source.id, expectedUpdatedAt: kept.updatedAt, sourceExpectedUpdatedAt: source.updatedAt });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe(CONTACT_EDITED_ELSEWHERE);
      expect(refused.body.error.message).toContain('Kira Kept');
      const details = refused.body.error.details as ContactEditedElsewhereDetails;
      expect(details).toMatchObject({ mergeCard: 'target', contact: { id: kept.id, city: 'Perm', updatedAt: edited.body.contact.updatedAt } });
      // Nothing happened: both cards as they were, the note where it was.
      expect(await read(source.id)).toEqual(source);
      expect(await read(kept.id)).toMatchObject({ city: 'Perm', company: null, phones: kept.phones });
      expect(await notesOf(source.id)).toEqual(['On the source']);

      // With the versions now on screen, the merge goes through and keeps the colleague's edit.
      const merged = await merge(kept.id, { sourceId: source.id, expectedUpdatedAt: details.contact.updatedAt, sourceExpectedUpdatedAt: source.updatedAt });
      expect(merged.status).toBe(200);
      expect(merged.body.contact).toMatchObject({ city: 'Perm', company: 'Source Co', phones: [...kept.phones, ...source.phones] });
      expect(await notesOf(kept.id)).toEqual(['On the source']);
    });

    it('refuses the merge when the card to merge in was edited meanwhile, naming that card', async () => {
      const kept = await createCard({ name: 'Lev Kept' });
      const source = await createCard({ name: 'Lev Source' });
      const edited = await call<{ contact: Contact }>(agent, 'PATCH', `/api/contacts/${source.id}`, { email: 'lev@late.example' });
      expect(edited.status).toBe(200);

      const refused = await merge(kept.id, { sourceId: source.id, expectedUpdatedAt: kept.updatedAt, sourceExpectedUpdatedAt: source.updatedAt });
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe(CONTACT_EDITED_ELSEWHERE);
      expect(refused.body.error.message).toContain('Lev Source');
      expect(refused.body.error.details).toMatchObject({ mergeCard: 'source', contact: { id: source.id, email: 'lev@late.example' } });
      expect(await read(source.id)).toEqual(edited.body.contact);
      expect(await read(kept.id)).toEqual(kept);
    });

    it('takes the kept card’s version as If-Match too, and answers with the merged card’s ETag', async () => {
      const kept = await createCard({ name: 'Mila Etag' });
      const source = await createCard({ name: 'Mila Source' });
      await call(agent, 'PATCH', `/api/contacts/${kept.id}`, { city: 'Omsk' });
      const stale = await merge(kept.id, { sourceId: source.id }, { 'if-match': `"${kept.updatedAt}"` });
      expect(stale.status).toBe(409);
      expect(stale.body.error.details).toMatchObject({ mergeCard: 'target' });

      const now = (await read(kept.id))!;
      const response = await fetch(`${server.baseUrl}/api/contacts/${kept.id}/merge`, {
        method: 'POST',
        headers: { authorization: `Bearer ${supervisor.token}`, 'content-type': 'application/json', 'if-match': `"${now.updatedAt}"` },
        body: JSON.stringify({ sourceId: source.id }),
      });
      expect(response.status).toBe(200);
      const { contact } = (await response.json()) as MergeContactsResponse;
      expect(response.headers.get('etag')).toBe(`"${contact.updatedAt}"`);
    });

    it('still merges for API clients that send no versions', async () => {
      const kept = await createCard({ name: 'Nina Legacy' });
      const source = await createCard({ name: 'Nina Dup', vip: true });
      const merged = await merge(kept.id, { sourceId: source.id });
      expect(merged.status).toBe(200);
      expect(merged.body.contact).toMatchObject({ id: kept.id, vip: true, phones: [...kept.phones, ...source.phones] });
      expect(await read(source.id)).toBeNull();
    });
  });

  describe('without versions, nothing written meanwhile is lost', () => {
    it('lets only one of two merges of the same card go through', async () => {
      const keptA = await createCard({ name: 'Oleg A' });
      const keptB = await createCard({ name: 'Oleg B' });
      const source = await createCard({ name: 'Oleg Source', company: 'Twice Co' });
      await addNote(source.id, 'Only once');
      const answers = await Promise.all([merge(keptA.id, { sourceId: source.id }), merge(keptB.id, { sourceId: source.id }, {}, supervisor2)]);
      const statuses = answers.map(({ status }) => status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      const loser = answers.find(({ status }) => status !== 200)!;
      expect([404, 409]).toContain(loser.status);

      const winner = answers[0]!.status === 200 ? keptA : keptB;
      const other = winner === keptA ? keptB : keptA;
      expect(await ownerOfNumber(source.phones[0]!)).toEqual([winner.id]);
      expect(await notesOf(winner.id)).toEqual(['Only once']);
      // The losing merge left its card exactly as it was.
      expect(await read(other.id)).toEqual(other);
      expect(await read(source.id)).toBeNull();
    });

    it('loses no card, number or note when two cards are merged into each other at the same moment', async () => {
      const pairs = await Promise.all(
        Array.from({ length: 4 }, async (_, index) => {
          const one = await createCard({ name: `Pair${index} One` });
          const two = await createCard({ name: `Pair${index} Two` });
          await addNote(one.id, `note of one ${index}`);
          await addNote(two.id, `note of two ${index}`);
          return { one, two };
        }),
      );
      const answers = await Promise.all(
        pairs.flatMap(({ one, two }) => [merge(one.id, { sourceId: two.id }), merge(two.id, { sourceId: one.id }, {}, supervisor2)]),
      );
      for (const [index, { one, two }] of pairs.entries()) {
        const [first, second] = [answers[index * 2]!, answers[index * 2 + 1]!];
        expect(first.status === 200 && second.status === 200).toBe(false);
        const survivors = (await Promise.all([read(one.id), read(two.id)])).filter((card): card is Contact => card !== null);
        expect(survivors.length).toBeGreaterThan(0);
        // Every number still belongs to a card that exists, and every note is on one.
        for (const phone of [...one.phones, ...two.phones]) {
          const [owner] = await ownerOfNumber(phone);
          expect(survivors.map((card) => card.id)).toContain(owner);
        }
        const notes = (await Promise.all(survivors.map((card) => notesOf(card.id)))).flat().sort();
        expect(notes).toEqual([`note of one ${index}`, `note of two ${index}`]);
      }
    });

    it('keeps an edit of the card to merge in that races the merge: either the merge carries it or it is refused', async () => {
      const cases = await Promise.all(
        Array.from({ length: 4 }, async (_, index) => ({
          kept: await createCard({ name: `Raisa${index} Kept` }),
          source: await createCard({ name: `Raisa${index} Source`, company: 'Before Co' }),
        })),
      );
      const answers = await Promise.all(
        cases.map(({ kept, source }) =>
          Promise.all([merge(kept.id, { sourceId: source.id }), call(agent, 'PATCH', `/api/contacts/${source.id}`, { company: 'After Co' })]),
        ),
      );
      for (const [index, { kept, source }] of cases.entries()) {
        const [merged, edited] = answers[index]!;
        expect([200, 409]).toContain(merged.status);
        if (edited.status !== 200) expect(merged.status).toBe(200);
        const [owner] = await ownerOfNumber(source.phones[0]!);
        const holder = (await read(owner!))!;
        expect([kept.id, source.id]).toContain(holder.id);
        // A saved edit is on whichever card now holds the source's number.
        if (edited.status === 200) expect(holder.company).toBe('After Co');
        else expect(edited.status).toBe(404);
      }
    });
  });

  describe('a step that fails part way', () => {
    /** The real repository with `method` failing once, the first time `shouldFail` says so. */
    function failingOnce<T extends object>(real: T, method: keyof T, shouldFail: (...args: never[]) => boolean = () => true): T {
      let hasFailed = false;
      const original = real[method] as (...args: unknown[]) => Promise<unknown>;
      return {
        ...real,
        [method]: async (...args: unknown[]) => {
          if (!hasFailed && shouldFail(...(args as never[]))) {
            hasFailed = true;
            throw new Error(`${String(method)} failed (injected by the test)`);
          }
          return original(...args);
        },
      };
    }
    const service = (repositories: { contacts?: ContactRepository; deals?: DealRepository; calls?: ContactCalls }): ContactsService =>
      createContactsService({ connection: server.connection, clock: { now: () => new Date() }, repositories });

    /** Two cards with calls (stored both ways), a task, a note and a deal on the source. */
    async function twoCardsWithHistory(label: string) {
      const kept = await createCard({ name: `${label} Kept`, company: null, tags: ['kept'] });
      const source = await createCard({ name: `${label} Source`, company: `${label} Co`, email: `${label.toLowerCase()}@source.example`, tags: ['source'] });
      const calls = server.connection.collection('calls');
      const tasks = server.connection.collection('tasks');
      const at = new Date('2026-03-02T09:00:00Z');
      const callAsText = await calls.insertOne({ linkedid: `${label}-1`, direction: 'inbound', contactId: source.id, startedAt: at });
      const callAsObject = await calls.insertOne({ linkedid: `${label}-2`, direction: 'inbound', contactId: new Types.ObjectId(source.id), startedAt: at });
      const keptCall = await calls.insertOne({ linkedid: `${label}-3`, direction: 'outbound', contactId: kept.id, startedAt: at });
      const task = await tasks.insertOne({ kind: 'callback', contactId: source.id, dueAt: at });
      await addNote(source.id, `${label} source note`);
      await addNote(kept.id, `${label} kept note`);
      const deal = await call<{ deal: { id: string } }>(agent, 'POST', '/api/deals', { contactId: source.id, title: `${label} deal` });
      expect(deal.status).toBe(201);
      const contactIdOf = async (collection: 'calls' | 'tasks', id: unknown) =>
        (await server.connection.collection(collection).findOne({ _id: id as Types.ObjectId }))?.contactId as unknown;
      const history = async () => ({
        callAsText: await contactIdOf('calls', callAsText.insertedId),
        callAsObject: await contactIdOf('calls', callAsObject.insertedId),
        keptCall: await contactIdOf('calls', keptCall.insertedId),
        task: await contactIdOf('tasks', task.insertedId),
        sourceNotes: await notesOf(source.id),
        keptNotes: await notesOf(kept.id),
        sourceDeals: (await call<{ items: unknown[] }>(agent, 'GET', `/api/deals?contactId=${source.id}`)).body.items.length,
        keptDeals: (await call<{ items: unknown[] }>(agent, 'GET', `/api/deals?contactId=${kept.id}`)).body.items.length,
      });
      return { kept, source, history };
    }

    /** Everything as before the merge: both cards, their numbers, calls (id types kept), task, notes, deal. */
    async function expectUntouched({ kept, source, history }: Awaited<ReturnType<typeof twoCardsWithHistory>>, label: string) {
      expect(await read(source.id)).toEqual(source);
      expect(await read(kept.id)).toMatchObject({ name: kept.name, company: null, email: null, phones: kept.phones, tags: ['kept'] });
      expect(await ownerOfNumber(source.phones[0]!)).toEqual([source.id]);
      expect(await ownerOfNumber(kept.phones[0]!)).toEqual([kept.id]);
      const now = await history();
      expect(now).toEqual({
        callAsText: source.id,
        callAsObject: new Types.ObjectId(source.id),
        keptCall: kept.id,
        task: source.id,
        sourceNotes: [`${label} source note`],
        keptNotes: [`${label} kept note`],
        sourceDeals: 1,
        keptDeals: 0,
      });
      const found = await call<ListContactsResponse>(agent, 'GET', `/api/contacts?q=${encodeURIComponent(`${label} Co`)}`);
      expect(found.body.items.map((contact) => contact.id)).toEqual([source.id]);
    }

    /** Running the same merge again (nothing failing now) finishes it. */
    async function expectMergedAfterRetry(cards: Awaited<ReturnType<typeof twoCardsWithHistory>>, label: string) {
      const { kept, source, history } = cards;
      const again = await service({}).merge(kept.id, source.id);
      expect(again.moved).toEqual({ calls: 2, notes: 1, deals: 1 });
      expect(again.contact).toMatchObject({ company: `${label} Co`, phones: [...kept.phones, ...source.phones], tags: ['kept', 'source'] });
      expect(await read(source.id)).toBeNull();
      expect(await history()).toEqual({
        callAsText: kept.id,
        callAsObject: new Types.ObjectId(kept.id),
        keptCall: kept.id,
        task: kept.id,
        sourceNotes: [],
        keptNotes: [`${label} kept note`, `${label} source note`].sort(),
        sourceDeals: 0,
        keptDeals: 1,
      });
    }

    it('puts everything back when moving the deals fails after calls, tasks and notes moved', async () => {
      const cards = await twoCardsWithHistory('Semen');
      const deals = failingOnce(createDealRepository(server.connection), 'moveToContact');
      await expect(service({ deals }).merge(cards.kept.id, cards.source.id)).rejects.toThrow('moveToContact failed');
      await expectUntouched(cards, 'Semen');
      await expectMergedAfterRetry(cards, 'Semen');
    });

    it('puts everything back when moving the notes fails', async () => {
      const cards = await twoCardsWithHistory('Taras');
      const contacts = failingOnce(createContactRepository(server.connection), 'moveNotes');
      await expect(service({ contacts }).merge(cards.kept.id, cards.source.id)).rejects.toThrow('moveNotes failed');
      await expectUntouched(cards, 'Taras');
      await expectMergedAfterRetry(cards, 'Taras');
    });

    it('brings the removed card back, with its id and version, when writing the kept card fails', async () => {
      const cards = await twoCardsWithHistory('Ulyana');
      const real = createContactRepository(server.connection);
      const contacts = failingOnce(real, 'update', ((id: string) => id === cards.kept.id) as (...args: never[]) => boolean);
      await expect(service({ contacts }).merge(cards.kept.id, cards.source.id)).rejects.toThrow('update failed');
      await expectUntouched(cards, 'Ulyana');
      // The source card is back at the version its readers hold: an edit made from it still saves.
      const edit = await call(agent, 'PATCH', `/api/contacts/${cards.source.id}`, { city: 'Tver', expectedUpdatedAt: cards.source.updatedAt });
      expect(edit.status).toBe(200);
    });

    it('puts the kept card’s fields back but keeps a colleague’s edit made after the merge wrote it', async () => {
      const cards = await twoCardsWithHistory('Vera');
      const real = createContactRepository(server.connection);
      // The colleague saves the kept card's city just after the merge wrote it; then the notes fail.
      const contacts: ContactRepository = {
        ...real,
        async moveNotes(fromId, toId, options) {
          if (fromId === cards.source.id) {
            await real.update(cards.kept.id, { city: 'Kazan' });
            throw new Error('moveNotes failed (injected by the test)');
          }
          return real.moveNotes(fromId, toId, options);
        },
      };
      await expect(service({ contacts }).merge(cards.kept.id, cards.source.id)).rejects.toThrow('moveNotes failed');
      expect(await read(cards.kept.id)).toMatchObject({ city: 'Kazan', company: null, phones: cards.kept.phones, tags: ['kept'] });
      expect(await read(cards.source.id)).toEqual(cards.source);
    });

    it('refuses, and undoes, a merge whose kept card a colleague saved between the merge’s read and its write', async () => {
      const cards = await twoCardsWithHistory('Yuri');
      const real = createContactRepository(server.connection);
      let hasEdited = false;
      const contacts: ContactRepository = {
        ...real,
        async findById(id) {
          const card = await real.findById(id);
          if (id === cards.kept.id && !hasEdited) {
            hasEdited = true;
            await real.update(cards.kept.id, { company: 'Saved meanwhile' });
          }
          return card;
        },
      };
      const refused = service({ contacts }).merge(cards.kept.id, cards.source.id);
      await expect(refused).rejects.toBeInstanceOf(AppError);
      await expect(refused).rejects.toMatchObject({ code: CONTACT_EDITED_ELSEWHERE, status: 409, details: { mergeCard: 'target' } });
      expect(await read(cards.kept.id)).toMatchObject({ company: 'Saved meanwhile', phones: cards.kept.phones });
      expect(await read(cards.source.id)).toEqual(cards.source);
    });
  });
});
