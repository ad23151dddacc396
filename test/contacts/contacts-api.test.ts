import type { Contact, ErrorBody, ImportContactsReport, ListContactsResponse, TimelineItem } from '@crm/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactModel } from '../../server/src/contacts/contact.model.js';
import { searchFields } from '../../server/src/contacts/contact-search.js';
import { createContactRepository } from '../../server/src/contacts/contact.repository.js';
import { demoQueuesSeeder, demoUsersSeeder } from '../../server/src/seed/seed.js';
import { callApi, startTestApp, type LoggedIn, type TestApp } from '../support/app.js';

describe('contact cards over HTTP', () => {
  let server: TestApp;
  let agent: LoggedIn;
  let manager: LoggedIn;
  let supervisor: LoggedIn;

  beforeAll(async () => {
    // Users and queues only: these tests make their own cards (the demo contacts would collide).
    server = await startTestApp({ seed: [demoQueuesSeeder, demoUsersSeeder] });
    [agent, manager, supervisor] = await Promise.all([server.login('agent1'), server.login('manager'), server.login('supervisor')]);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = <T>(who: LoggedIn, method: string, path: string, body?: unknown) => callApi<T>(server.baseUrl, who, method, path, body);

  const create = (who: LoggedIn, card: Record<string, unknown>) => call<{ contact: Contact } & ErrorBody>(who, 'POST', '/api/contacts', card);

  it('saves a card with the number in E.164, the region in the company’s language and the zone inferred from it', async () => {
    const { status, body } = await create(agent, { name: 'Ivan Petrov', company: 'Ural Steel', phones: ['8 343 200-11-22'], segment: 'A', vip: true });
    expect(status).toBe(201);
    expect(body.contact).toMatchObject({
      name: 'Ivan Petrov',
      phones: ['+73432001122'],
      country: 'RU',
      region: 'Свердловская обл',
      ownerId: agent.user.id,
      timeZone: { zone: 'Asia/Yekaterinburg', source: 'number', candidates: ['Asia/Yekaterinburg'] },
    });
  });

  it('refuses a second card with the same number, typed differently, with a 409 naming the existing card', async () => {
    const { status, body } = await create(agent, { name: 'I. Petrov', phones: ['+7 (343) 2001122'] });
    expect(status).toBe(409);
    expect(body.error.code).toBe('DUPLICATE_PHONE');
    expect(body.error.message).toContain('Ivan Petrov');
    expect(body.error.message).toContain('Ural Steel');
  });

  it('refuses an invalid number with a message naming it', async () => {
    const { status, body } = await create(agent, { name: 'Nobody', phones: ['12345'] });
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toContain('"12345"');
  });

  it('finds the card by its number in any format, and by fragment, name and company', async () => {
    await create(agent, { name: 'Olga Sidorova', company: 'Primorye Fish', phones: ['+7 423 200-33-44'] });
    const exact = await call<ListContactsResponse>(agent, 'GET', `/api/contacts?phone=${encodeURIComponent('8 (343) 200-11-22')}`);
    expect(exact.body.items.map((contact) => contact.name)).toEqual(['Ivan Petrov']);
    for (const q of ['8 343 200-11-22', '+7 (343) 2001122', '2001122', '200-11-22', 'petr', 'URAL steel']) {
      const found = await call<ListContactsResponse>(agent, 'GET', `/api/contacts?q=${encodeURIComponent(q)}`);
      expect(found.status, q).toBe(200);
      expect(found.body.items.map((contact) => contact.name), q).toEqual(['Ivan Petrov']);
    }
    const unknown = await call<ListContactsResponse>(agent, 'GET', `/api/contacts?phone=${encodeURIComponent('+7 343 999-99-99')}`);
    expect(unknown.body).toMatchObject({ items: [], total: 0 });
  });

  it('pages through search results', async () => {
    for (let index = 0; index < 5; index += 1) await create(agent, { name: `Page Tester ${index}`, phones: [`+7 495 100-00-0${index}`] });
    const first = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=page%20tester&pageSize=2');
    const third = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=page%20tester&pageSize=2&page=3');
    expect(first.body.total).toBe(5);
    expect(first.body.items.map((contact) => contact.name)).toEqual(['Page Tester 0', 'Page Tester 1']);
    expect(third.body.items.map((contact) => contact.name)).toEqual(['Page Tester 4']);
  });

  it('ranks at most a thousand matches of a broad word and says there are more', async () => {
    const now = new Date();
    const docs = Array.from({ length: 1005 }, (_, index) => {
      const name = `Broadword Client ${String(index).padStart(4, '0')}`;
      const phones = [`+7812${String(3000000 + index)}`];
      return { name, company: null, email: null, phones, ...searchFields({ name, company: null, email: null, phones }), createdAt: now, updatedAt: now };
    });
    await contactModel(server.connection).collection.insertMany(docs);
    const found = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=broadword&pageSize=3');
    expect(found.body).toMatchObject({ total: 1000, isTotalCapped: true });
    expect(found.body.items).toHaveLength(3);
    const narrow = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=broadword%200042');
    expect(narrow.body).toMatchObject({ total: 1, isTotalCapped: false });
    expect(narrow.body.items[0]?.name).toBe('Broadword Client 0042');
  });

  it('rebuilds the search keys of cards stored in an older format at start', async () => {
    const now = new Date();
    // Version 1 stored phone suffixes as bare digits and had no searchVersion.
    await contactModel(server.connection).collection.insertOne({
      name: 'Legacy Card', company: null, email: null, phones: ['+78126667788'], searchKeys: ['legacy', 'card', '7788', '6667788'], createdAt: now, updatedAt: now,
    });
    // A database from before the current format has no marker saying its cards are up to date.
    await server.connection.collection('migrations').deleteOne({ _id: 'contacts.searchKeys' as never });
    await createContactRepository(server.connection).ready();
    const found = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=666-77-88');
    expect(found.body.items.map((contact) => contact.name)).toEqual(['Legacy Card']);
    expect(await server.connection.collection('migrations').findOne({ _id: 'contacts.searchKeys' as never })).toMatchObject({ version: 3 });
  });

  it('keeps a zone typed by hand and lists candidates for an ambiguous number', async () => {
    const manual = await create(agent, { name: 'Manual Zone', phones: ['+7 495 123-45-67'], timeZone: 'Asia/Omsk' });
    expect(manual.body.contact.timeZone).toEqual({ zone: 'Asia/Omsk', source: 'manual', candidates: ['Asia/Omsk'] });
    const idaho = await create(agent, { name: 'Idaho Client', phones: ['+1 208 600 1234'] });
    expect(idaho.body.contact.timeZone).toEqual({ zone: null, source: 'number', candidates: ['America/Boise', 'America/Los_Angeles'] });
  });

  it("takes the zone from the card's city over a mobile number's range, and follows a changed city", async () => {
    const created = await create(agent, { name: 'Mobile Client', phones: ['+7 916 555-12-34'], city: 'Vladivostok' });
    expect(created.body.contact.timeZone).toEqual({ zone: 'Asia/Vladivostok', source: 'address', candidates: ['Asia/Vladivostok'] });
    const moved = await call<{ contact: Contact }>(agent, 'PATCH', `/api/contacts/${created.body.contact.id}`, { city: 'Yekaterinburg' });
    expect(moved.body.contact.timeZone.zone).toBe('Asia/Yekaterinburg');
    const typed = await call<{ contact: Contact }>(agent, 'PATCH', `/api/contacts/${created.body.contact.id}`, { timeZone: 'Asia/Omsk' });
    const cityAgain = await call<{ contact: Contact }>(agent, 'PATCH', `/api/contacts/${created.body.contact.id}`, { city: 'Moscow' });
    expect(typed.body.contact.timeZone.source).toBe('manual');
    expect(cityAgain.body.contact.timeZone).toMatchObject({ zone: 'Asia/Omsk', source: 'manual' });
  });

  it("refuses an agent taking another agent's client, lets a supervisor reassign it", async () => {
    const agent2 = await server.login('agent2');
    const card = (await create(agent, { name: 'Owned Client', phones: ['+7 495 321-00-11'] })).body.contact;
    const taken = await call<ErrorBody>(agent2, 'PATCH', `/api/contacts/${card.id}`, { ownerId: agent2.user.id });
    expect(taken.status).toBe(403);
    const reassigned = await call<{ contact: Contact }>(supervisor, 'PATCH', `/api/contacts/${card.id}`, { ownerId: agent2.user.id });
    expect(reassigned.body.contact.ownerId).toBe(agent2.user.id);
  });

  it('adds a note that shows on the timeline, newest first', async () => {
    const { body } = await create(agent, { name: 'Timeline Client', phones: ['+48 22 123 45 67'] });
    const id = body.contact.id;
    await call(agent, 'POST', `/api/contacts/${id}/notes`, { text: 'Asked for a price list' });
    await call(agent, 'POST', `/api/contacts/${id}/notes`, { text: 'Sent it' });
    const timeline = await call<{ items: TimelineItem[] }>(agent, 'GET', `/api/contacts/${id}/timeline`);
    expect(timeline.body.items.map((item) => (item.kind === 'note' ? item.note.text : item.kind))).toEqual(['Sent it', 'Asked for a price list']);
  });

  it('merges two cards of the same client: phones united, notes and deals moved, the other card gone', async () => {
    const kept = (await create(agent, { name: 'Anna Nowak', phones: ['+48 22 555 00 11'], segment: 'B' })).body.contact;
    const other = (await create(agent, { name: 'A. Nowak', company: 'Nowak Sp. z o.o.', phones: ['+48 601 234 567'], vip: true })).body.contact;
    await call(agent, 'POST', `/api/contacts/${other.id}/notes`, { text: 'From the duplicate' });
    const deal = await call<{ deal: { id: string } }>(agent, 'POST', '/api/deals', { contactId: other.id, title: 'Warsaw office', amount: 1000 });
    expect(deal.status).toBe(201);

    const refused = await call<ErrorBody>(agent, 'POST', `/api/contacts/${kept.id}/merge`, { sourceId: other.id });
    expect(refused.status).toBe(403);

    const merged = await call<{ contact: Contact; moved: { notes: number; deals: number } }>(supervisor, 'POST', `/api/contacts/${kept.id}/merge`, {
      sourceId: other.id,
    });
    expect(merged.status).toBe(200);
    expect(merged.body.contact).toMatchObject({ name: 'Anna Nowak', company: 'Nowak Sp. z o.o.', vip: true, segment: 'B' });
    expect(merged.body.contact.phones).toEqual(['+48225550011', '+48601234567']);
    expect(merged.body.moved).toMatchObject({ notes: 1, deals: 1 });
    expect((await call(agent, 'GET', `/api/contacts/${other.id}`)).status).toBe(404);
    const byOldNumber = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?phone=%2B48601234567');
    expect(byOldNumber.body.items.map((contact) => contact.id)).toEqual([kept.id]);
    const deals = await call<{ items: { contactId: string }[] }>(agent, 'GET', `/api/deals?contactId=${kept.id}`);
    expect(deals.body.items).toHaveLength(1);

    expect((await call(agent, 'DELETE', `/api/contacts/${kept.id}`)).status).toBe(403);
    const withDeal = await call<ErrorBody>(manager, 'DELETE', `/api/contacts/${kept.id}`);
    expect(withDeal.status).toBe(409);
    expect(withDeal.body.error.message).toContain('Warsaw office');
  });

  it('previews a CSV import, then imports it with a report of created, merged, refused and invalid rows', async () => {
    const csv = [
      'Name;Company;Phone;Segment',
      'Ivan Petrov;Ural Steel;+7 343 200 11 22;A', // existing card → merge
      'Dmitry Orlov;Far East Trade;8 (423) 240-10-10;B', // new
      'D. Orlov;;+7 423 240 10 10;', // same as line 3 → merge into it
      'Broken;;not a phone;', // invalid
    ].join('\n');
    const preview = await call<{ report: ImportContactsReport }>(manager, 'POST', '/api/contacts/import', { csv, dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.report.totals).toEqual({ rows: 4, created: 1, merged: 2, refused: 0, invalid: 1 });
    expect(preview.body.report.rows[0]).toMatchObject({ line: 2, status: 'merge', existing: { name: 'Ivan Petrov' } });
    expect(preview.body.report.rows[2]).toMatchObject({ line: 4, status: 'merge', sameAsLine: 3 });
    const nothingYet = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=orlov');
    expect(nothingYet.body.total).toBe(0);

    const done = await call<{ report: ImportContactsReport }>(manager, 'POST', '/api/contacts/import', { csv, dryRun: false });
    expect(done.body.report.totals).toEqual({ rows: 4, created: 1, merged: 2, refused: 0, invalid: 1 });
    const orlov = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=orlov');
    expect(orlov.body.items).toHaveLength(1);
    expect(orlov.body.items[0]).toMatchObject({ name: 'Dmitry Orlov', phones: ['+74232401010'], timeZone: { zone: 'Asia/Vladivostok' } });

    const refuse = await call<{ report: ImportContactsReport }>(manager, 'POST', '/api/contacts/import', { csv, dryRun: false, onDuplicate: 'refuse' });
    expect(refuse.body.report.totals).toMatchObject({ created: 0, merged: 0, refused: 3, invalid: 1 });
    expect(refuse.body.report.rows[1]).toMatchObject({ status: 'refused', existing: { name: 'Dmitry Orlov' } });
  });

  it('accepts a CSV file sent as text/csv', async () => {
    const response = await fetch(`${server.baseUrl}/api/contacts/import?dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'text/csv' },
      body: 'name,phone\nKyiv Client,+380 44 123 4567\n',
    });
    const { report } = (await response.json()) as { report: ImportContactsReport };
    expect(report.totals.created).toBe(1);
    const found = await call<ListContactsResponse>(agent, 'GET', '/api/contacts?q=kyiv');
    expect(found.body.items[0]?.timeZone.zone).toBe('Europe/Kyiv');
  });

  it('lets only managers and admins import and only admins change settings', async () => {
    const importAsAgent = await call<ErrorBody>(agent, 'POST', '/api/contacts/import', { csv: 'name,phone\n' });
    expect(importAsAgent.status).toBe(403);
    const settingsAsManager = await call<ErrorBody>(manager, 'PATCH', '/api/settings', { callingWindow: { start: '10:00', end: '20:00' } });
    expect(settingsAsManager.status).toBe(403);
    const anonymous = await fetch(`${server.baseUrl}/api/contacts?q=ivan`);
    expect(anonymous.status).toBe(401);
  });

  it('validates custom fields against the definitions an admin made', async () => {
    const admin = await server.login('admin');
    const defined = await call(admin, 'PATCH', '/api/settings', {
      customFields: [{ key: 'employees', label: 'Employees', type: 'number' }, { key: 'industry', label: 'Industry', type: 'choice', choices: ['Retail', 'Steel'] }],
    });
    expect(defined.status).toBe(200);
    const bad = await create(agent, { name: 'Custom Co', phones: ['+7 495 765-43-21'], customFields: { employees: 'many', industry: 'Oil' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Employees: must be a number');
    expect(bad.body.error.message).toContain('Industry: must be one of Retail, Steel');
    const good = await create(agent, { name: 'Custom Co', phones: ['+7 495 765-43-21'], customFields: { employees: '120', industry: 'Steel' } });
    expect(good.body.contact.customFields).toEqual({ employees: 120, industry: 'Steel' });
  });
});
