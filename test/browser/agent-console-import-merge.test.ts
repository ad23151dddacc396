import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, ListContactsResponse, TimelineItem } from '@crm/shared';
import { startTestApp, type LoggedIn, type TestApp } from '../support/app.js';
import { assertConsolesBuilt, launchBrowser, openAgentConsole, type TestBrowser, UNTIL_SEEN } from '../support/browser.js';

/**
 * The contacts workspace of the agent console as the people who keep the base clean use it: a
 * manager imports a CSV (preview first, duplicates reported), a supervisor merges two cards of one
 * client. Both open the console from the login page (their own home is the dashboard). Their UI
 * language is Russian, as the demo users are.
 */
describe('agent console: CSV import and card merge in a real browser', () => {
  let app: TestApp;
  let chromium: TestBrowser;
  let manager: LoggedIn;

  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(app.baseUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const cardsWith = async (phone: string) => (await api<ListContactsResponse>(`/api/contacts?phone=${encodeURIComponent(phone)}`)).body.items;

  const openConsole = (login: string) => openAgentConsole(chromium, app.baseUrl, login);

  beforeAll(async () => {
    assertConsolesBuilt();
    [app, chromium] = await Promise.all([startTestApp(), launchBrowser()]);
    manager = await app.login('manager');
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
  });

  it('imports a CSV after a preview that reports the duplicates, and the new cards are there', async () => {
    const { page, errors } = await openConsole('manager');
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('button', { name: 'Импорт CSV' }).click();
    const panel = page.getByRole('region', { name: 'Карточка клиента' });
    await panel.getByRole('heading', { name: 'Импорт контактов из CSV' }).waitFor();

    const csv = [
      'name,phone,company,city,favourite colour',
      'Lev Tolstoy,+7 343 200-88-01,Yasnaya Polyana,Yekaterinburg,green',
      // Ivan Petrov's number typed the Russian way: merged into his card, not a second card.
      'Ivan P.,8 (343) 200-11-22,,,blue',
      // The same number as line 2 again, in another format.
      'Lev T.,83432008801,,,red',
      'Nobody,12,,,grey',
    ].join('\n');
    await panel.getByLabel('Или вставьте CSV').fill(csv);
    await panel.getByRole('button', { name: 'Предпросмотр' }).click();

    const totals = panel.getByRole('status');
    await expect
      .poll(() => totals.textContent(), UNTIL_SEEN)
      .toBe('Предпросмотр 4 строк: новых 1, объединено 2, отклонено 0, с ошибками 1. Пока ничего не сохранено.');
    expect(await panel.textContent()).toContain('Пропущены столбцы: favourite colour');
    const row = (line: number) => panel.locator('tbody tr').filter({ has: page.getByRole('cell', { name: String(line), exact: true }) });
    expect(await row(2).textContent()).toContain('Новая');
    expect(await row(3).textContent()).toContain('Объединена');
    expect(await row(3).textContent()).toContain('Карточка «Ivan Petrov»');
    expect(await row(4).textContent()).toContain('Тот же номер, что в строке 2');
    expect(await row(5).textContent()).toContain('Ошибка');
    // A preview saves nothing.
    expect(await cardsWith('+73432008801')).toEqual([]);

    // A preview holds for the duplicate rule it was made with: choosing another one asks for a new preview.
    const policy = panel.getByLabel('Номер уже есть в карточке');
    const importButton = panel.getByRole('button', { name: 'Импортировать' });
    await policy.selectOption({ label: 'Отклонить строку' });
    expect(await importButton.isDisabled()).toBe(true);
    await panel.getByRole('button', { name: 'Предпросмотр' }).click();
    await expect
      .poll(() => totals.textContent(), UNTIL_SEEN)
      .toBe('Предпросмотр 4 строк: новых 1, объединено 0, отклонено 2, с ошибками 1. Пока ничего не сохранено.');
    expect(await row(3).textContent()).toContain('Отклонена');
    expect(await row(4).textContent()).toContain('Отклонена');
    await policy.selectOption({ label: 'Объединить с существующей карточкой' });
    expect(await importButton.isDisabled()).toBe(true);
    await panel.getByRole('button', { name: 'Предпросмотр' }).click();
    await expect
      .poll(() => totals.textContent(), UNTIL_SEEN)
      .toBe('Предпросмотр 4 строк: новых 1, объединено 2, отклонено 0, с ошибками 1. Пока ничего не сохранено.');

    await panel.getByRole('button', { name: 'Импортировать' }).click();
    await expect
      .poll(() => totals.textContent(), UNTIL_SEEN)
      .toBe('Импортировано 4 строк: новых 1, объединено 2, отклонено 0, с ошибками 1.');
    const [lev] = await cardsWith('+73432008801');
    expect(lev).toMatchObject({ name: 'Lev Tolstoy', company: 'Yasnaya Polyana', city: 'Yekaterinburg', ownerId: manager.user.id });
    expect((await cardsWith('+73432001122')).map((card) => card.name)).toEqual(['Ivan Petrov']);

    // The report links to the card a row was merged into.
    await row(3).getByRole('button', { name: 'Карточка «Ivan Petrov»' }).click();
    await panel.getByRole('heading', { name: /Ivan Petrov/ }).waitFor();
    expect(errors).toEqual([]);
  });

  it('merges a duplicate card into the kept one (refusing once when a colleague changed it meanwhile): phones united, notes moved, the duplicate gone', async () => {
    const kept = await api<{ contact: Contact }>('/api/contacts', {
      method: 'POST',
      body: { name: 'Fyodor Dostoevsky', company: 'Brothers K', phones: ['+7 343 200-88-11'] },
    });
    const duplicate = await api<{ contact: Contact }>('/api/contacts', {
      method: 'POST',
      body: { name: 'F. Dostoevsky', email: 'fyodor@example.org', phones: ['+7 916 200-88-12'], tags: ['writer'] },
    });
    expect([kept.status, duplicate.status]).toEqual([201, 201]);
    await api(`/api/contacts/${duplicate.body.contact.id}/notes`, { method: 'POST', body: { text: 'Prefers letters' } });

    const { page, errors } = await openConsole('supervisor');
    await page.keyboard.press('/');
    await page.keyboard.type('Fyodor');
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Найденные контакты' }).getByRole('button', { name: /^Fyodor Dostoevsky/ }).click();
    const panel = page.getByRole('region', { name: 'Карточка клиента' });
    await panel.getByRole('heading', { name: /Fyodor Dostoevsky/ }).waitFor();

    await panel.getByRole('button', { name: 'Объединить…' }).click();
    await panel.getByRole('heading', { name: 'Объединить другую карточку с «Fyodor Dostoevsky»' }).waitFor();
    await panel.getByPlaceholder('Найти другую карточку').fill('Dostoevsky');
    await page.keyboard.press('Enter');
    await panel.getByRole('radio', { name: /F\. Dostoevsky/ }).check();
    expect(await panel.textContent()).toContain('Остаётся: Fyodor Dostoevsky · Brothers K · +7 343 200 88 11');
    expect(await panel.textContent()).toContain('Объединяется и удаляется: F. Dostoevsky · +7 916 200 88 12');
    // The kept card never offers to merge with itself.
    expect(await panel.getByRole('radio', { name: /Fyodor Dostoevsky/ }).count()).toBe(0);

    // A colleague edits the duplicate while the supervisor looks at the preview: the merge is refused
    // rather than losing that edit, and the preview shows the card as it is now.
    const edited = await api(`/api/contacts/${duplicate.body.contact.id}`, { method: 'PATCH', body: { company: 'Epokha' } });
    expect(edited.status).toBe(200);
    const confirm = panel.getByRole('button', { name: 'Объединить «F. Dostoevsky» с «Fyodor Dostoevsky»' });
    await confirm.click();
    const refused = panel.getByRole('alert');
    await expect.poll(() => refused.textContent(), UNTIL_SEEN).toContain('Карточку «F. Dostoevsky» изменил кто-то другой');
    expect(await panel.textContent()).toContain('Объединяется и удаляется: F. Dostoevsky · Epokha · +7 916 200 88 12');
    expect((await api(`/api/contacts/${duplicate.body.contact.id}`)).status).toBe(200);

    await confirm.click();
    const done = panel.getByRole('status');
    await expect
      .poll(() => done.textContent(), UNTIL_SEEN)
      .toContain('Объединено в «Fyodor Dostoevsky»: перенесено звонков 0, заметок 1, сделок 0.');

    await done.getByRole('button', { name: 'Открыть «Fyodor Dostoevsky»' }).click();
    await panel.getByRole('heading', { name: /Fyodor Dostoevsky/ }).waitFor();
    const phones = panel.getByRole('list', { name: 'Телефоны' });
    await expect.poll(() => phones.textContent(), UNTIL_SEEN).toContain('+7 916 200 88 12');
    expect(await phones.textContent()).toContain('+7 343 200 88 11');
    expect(await panel.textContent()).toContain('fyodor@example.org');

    // Stored: one card with both numbers and the note; the duplicate is gone.
    const { body } = await api<{ contact: Contact }>(`/api/contacts/${kept.body.contact.id}`);
    expect(body.contact).toMatchObject({ phones: ['+73432008811', '+79162008812'], email: 'fyodor@example.org', tags: ['writer'] });
    expect((await api(`/api/contacts/${duplicate.body.contact.id}`)).status).toBe(404);
    const timeline = await api<{ items: TimelineItem[] }>(`/api/contacts/${kept.body.contact.id}/timeline`);
    expect(timeline.body.items.map((item) => (item.kind === 'note' ? item.note.text : item.kind))).toEqual(['Prefers letters']);
    expect(errors).toEqual([]);
  });
});
