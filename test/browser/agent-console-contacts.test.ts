import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contact, ListCallsResponse, ListContactsResponse } from '@crm/shared';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { assertConsolesBuilt, launchBrowser, openAgentConsole, saveScreenshot, type TestBrowser, UNTIL_SEEN } from '../support/browser.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';

const IVAN = '+73432001122';

/** A fixed-offset zone where it is now about `hour` o'clock, so calling-window checks do not depend on when the test runs. */
function zoneWhereItIs(hour: number): string {
  let offset = hour - new Date().getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  // POSIX sign: Etc/GMT-5 is UTC+5.
  return offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/**
 * What a clock in `zone` may read while the test waits for it: now, or the next minute when the
 * minute turns during the (at most 20 s) wait.
 */
const clockReadingsIn = (zone: string, locale: string) => {
  const format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone: zone });
  const now = Date.now();
  return [format.format(now), format.format(now + 60_000)];
};

describe('agent console: screen-pop, contacts and click-to-dial in a real browser', () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  let chromium: TestBrowser;
  let supervisorToken: string;

  const api = async <T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> => {
    const response = await fetch(app.baseUrl + path, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${supervisorToken}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  const openConsole = (login: string) => openAgentConsole(chromium, app.baseUrl, login);

  beforeAll(async () => {
    assertConsolesBuilt();
    // Real time: a queue rings an agent for 15 s, long enough to read the pop and answer it.
    pbx = await startTestPbx({ timeScale: 1 });
    [app, chromium] = await Promise.all([
      startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) }),
      launchBrowser(),
    ]);
    // Queue calls in these tests ring agent1 only.
    await app.context.telephony!.queuePause({ extension: '1002', paused: true, reason: 'training' });
    await app.context.telephony!.queuePause({ extension: '1003', paused: true, reason: 'lunch' });
    supervisorToken = (await app.login('supervisor')).token;
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    await pbx?.close();
  });

  it("pops Ivan Petrov's card with Yekaterinburg time on agent1's screen only, keeps it over a reload, answers and hangs up from the console", async () => {
    const agent1 = await openConsole('agent1');
    const agent2 = await openConsole('agent2');
    const pop1 = agent1.page.getByRole('region', { name: 'Текущий звонок' });
    const pop2 = agent2.page.getByRole('region', { name: 'Текущий звонок' });
    const panelBoxes = () =>
      Promise.all(
        ['Текущий звонок', 'Карточка клиента', 'Телефон', 'Звонки за сегодня'].map((name) => agent1.page.getByRole('region', { name, exact: true }).boundingBox()),
      );
    const boxesBefore = await panelBoxes();
    // The phone is driven from the console: it rings until the agent answers.
    await app.context.telephony!.simPhone('1001', 'attach');
    try {
      pbx.placeInboundCall({ from: IVAN, name: 'Ivan Petrov', queue: 'support', patienceSeconds: 600, talkSeconds: 600 });

      await pop1.getByRole('heading', { name: 'Ivan Petrov' }).waitFor();
      // The pop fills its reserved area: nothing else on the screen moves.
      expect(await panelBoxes()).toEqual(boxesBefore);
      await pop1.getByText('Ural Steel').waitFor();
      const clock = pop1.getByRole('region', { name: 'Местное время клиента' });
      await expect.poll(() => clock.locator('time').textContent(), UNTIL_SEEN).toBeOneOf(clockReadingsIn('Asia/Yekaterinburg', 'ru-RU'));
      // The browser is in Moscow: Yekaterinburg is two hours ahead.
      expect(await clock.textContent()).toContain('Yekaterinburg');
      expect(await clock.textContent()).toContain('+2 ч к вашему');
      expect(await pop1.textContent()).toContain('Rolled steel, Q2 contract');
      expect(await pop1.textContent()).toContain('Confirm the invoice was paid');
      await pop1.getByText('Звонит', { exact: true }).waitFor();

      // agent2 is logged in too, but the call never rang their phone.
      expect(await pop2.textContent()).toContain('Сейчас звонка нет');
      expect(await pop2.textContent()).not.toContain('Ivan Petrov');

      // A reload mid-ring brings the pop back.
      await agent1.page.reload();
      await pop1.getByRole('heading', { name: 'Ivan Petrov' }).waitFor();

      // O opens the full card beside the pop (the README screenshot shows both).
      await agent1.page.keyboard.press('o');
      await agent1.page.getByRole('region', { name: 'Карточка клиента' }).getByRole('heading', { name: /Ivan Petrov/ }).waitFor();
      await agent1.page.locator('.connection[data-state="online"]').waitFor();
      await saveScreenshot(agent1.page, 'agent-console-screen-pop');

      await agent1.page.getByRole('group', { name: 'Управление телефоном' }).getByRole('button', { name: /Ответить/ }).click();
      await pop1.getByText('Разговор', { exact: true }).waitFor();

      await agent1.page.keyboard.press('h');
      await pop1.getByText('Сейчас звонка нет').waitFor();
      expect(await pop2.textContent()).not.toContain('Ivan Petrov');
    } finally {
      await app.context.telephony!.simPhone('1001', 'detach');
    }
    expect(agent1.errors).toEqual([]);
    expect(agent2.errors).toEqual([]);
  });

  it('pops a pre-filled card for an unknown Vladivostok number and saves it with one keystroke', async () => {
    const number = '+74232009876';
    const { page, errors } = await openConsole('agent1');
    const pop = page.getByRole('region', { name: 'Текущий звонок' });
    await app.context.telephony!.simPhone('1001', 'attach');
    try {
      pbx.placeInboundCall({ from: number, queue: 'support', patienceSeconds: 600, talkSeconds: 600 });
      await pop.getByRole('heading', { name: 'Номера нет в контактах' }).waitFor();
      const form = pop.getByRole('form', { name: 'Новая карточка для звонящего' });
      await form.waitFor();
      expect(await form.textContent()).toContain('+7 423 200 98 76');
      expect(await form.textContent()).toContain('Vladivostok');
      // The region in the agent's (Russian) UI language, not the numbering plan's English.
      expect(await form.textContent()).toContain('Приморский край');
      await expect
        .poll(() => pop.getByRole('region', { name: 'Местное время клиента' }).locator('time').textContent(), UNTIL_SEEN)
        .toBeOneOf(clockReadingsIn('Asia/Vladivostok', 'ru-RU'));

      // The name field has the keyboard as soon as the pop arrives: type, Enter, done.
      await page.keyboard.type('Pavel Primorsky');
      await saveScreenshot(page, 'agent-console-new-caller');
      await page.keyboard.press('Enter');

      await pop.getByRole('heading', { name: 'Pavel Primorsky' }).waitFor();
      const { body } = await api<ListContactsResponse>(`/api/contacts?phone=${encodeURIComponent(number)}`);
      expect(body.items).toHaveLength(1);
      expect(body.items[0]).toMatchObject({ name: 'Pavel Primorsky', phones: [number], timeZone: { zone: 'Asia/Vladivostok' } });
      // A new client has no lead source yet: the console asks for it on this call.
      await pop.getByText('Откуда клиент о нас узнал? Спросите сейчас:').waitFor();

      // The softphone's shortcuts: A answers, H hangs up.
      await page.keyboard.press('a');
      await pop.getByText('Разговор', { exact: true }).waitFor();
      await page.keyboard.press('h');
      await pop.getByText('Сейчас звонка нет').waitFor();

      // The new card's history has this very call (saved while the number was still unknown).
      await page.keyboard.press('/');
      await page.keyboard.type(number.slice(-7));
      await page.keyboard.press('Enter');
      await page.getByRole('list', { name: 'Найденные контакты' }).getByRole('button', { name: /Pavel Primorsky/ }).click();
      const card = page.getByRole('region', { name: 'Карточка клиента' });
      await card.getByRole('tab', { name: 'История' }).click();
      const history = card.getByRole('list', { name: 'История' });
      await history.getByRole('listitem').filter({ hasText: 'доб. 1001' }).first().waitFor(UNTIL_SEEN);
    } finally {
      await app.context.telephony!.simPhone('1001', 'detach');
    }
    expect(errors).toEqual([]);
  });

  it.each([
    { behaviour: { kind: 'answer' as const, ringSeconds: 1, talkSeconds: 2 }, name: 'Alla Answers', number: '+73432005511', words: 'Call with Alla Answers finished', result: 'answered' },
    { behaviour: { kind: 'busy' as const }, name: 'Boris Busy', number: '+73432005512', words: 'Boris Busy: client busy', result: 'busy' },
    { behaviour: { kind: 'no-answer' as const }, name: 'Nina Noanswer', number: '+73432005513', words: 'Nina Noanswer: no answer', result: 'no-answer' },
  ])('click-to-dial from a card reports "$words" and stores an outbound call ($result)', async ({ behaviour, name, number, words, result }) => {
    pbx.setDestinationBehaviour(number, behaviour);
    const created = await api<{ contact: Contact }>('/api/contacts', {
      method: 'POST',
      body: { name, phones: [number], timeZone: zoneWhereItIs(13) },
    });
    expect(created.status).toBe(201);

    const { page, errors } = await openConsole('agent3');
    await page.keyboard.press('/');
    await page.keyboard.type(number.slice(-7));
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: new RegExp(name) }).click();
    const card = page.getByRole('region', { name: 'Contact card' });
    await card.getByRole('heading', { name }).waitFor();

    // The dial status has its line reserved: the panels under the phone stay where they are.
    const recentCalls = page.getByRole('region', { name: 'Today’s calls', exact: true });
    const phonePanel = page.getByRole('region', { name: 'Phone', exact: true });
    const [recentBefore, phoneBefore] = await Promise.all([recentCalls.boundingBox(), phonePanel.boundingBox()]);
    expect(recentBefore).not.toBeNull();

    // D dials the card's main number.
    await page.keyboard.press('d');
    const status = phonePanel.locator('.dial-status');
    await expect.poll(() => status.textContent(), { timeout: 60_000 }).toBe(words);
    expect(await recentCalls.boundingBox()).toEqual(recentBefore);
    expect(await phonePanel.boundingBox()).toEqual(phoneBefore);

    const calls = await waitFor(async () => {
      const { body } = await api<ListCallsResponse>(`/api/calls?direction=outbound&number=${encodeURIComponent(number)}`);
      return body.items.find((call) => call.endedAt) ? body.items : null;
    }, 'the stored outbound call', 60_000);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ direction: 'outbound', calledNumber: number, agentExtension: '1003', result, contactId: created.body.contact.id });
    expect(errors).toEqual([]);
    // A no-answer dial rings the client for real seconds before giving up, and the waits above allow
    // up to a minute each on a loaded machine: the test may take longer than the project's default.
  }, 150_000);

  it('asks before dialing a client whose calling window is closed, then dials once confirmed', async () => {
    const number = '+73432005514';
    pbx.setDestinationBehaviour(number, { kind: 'busy' });
    await api('/api/contacts', { method: 'POST', body: { name: 'Night Owl', phones: [number], timeZone: zoneWhereItIs(3) } });

    const { page, errors } = await openConsole('agent3');
    await page.keyboard.press('/');
    await page.keyboard.type('Night Owl');
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Contacts found' }).getByRole('button', { name: /Night Owl/ }).click();
    await page.getByRole('region', { name: 'Contact card' }).getByRole('button', { name: 'Call +7 343 200 55 14' }).click();

    const dialog = page.getByRole('dialog', { name: 'Outside the client’s calling hours' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('Calls allowed from 09:00');
    await saveScreenshot(page, 'agent-console-dial-confirm');
    await dialog.getByRole('button', { name: 'Call anyway' }).click();

    const status = page.getByRole('region', { name: 'Phone' }).locator('.dial-status');
    await expect.poll(() => status.textContent(), { timeout: 30_000 }).toBe('Night Owl: client busy');
    expect(errors).toEqual([]);
  });

  it('refuses a second card with a number already on a card, naming that card and opening it in one click', async () => {
    const { page, errors } = await openConsole('agent3');
    await page.getByRole('button', { name: 'New contact' }).first().click();
    const form = page.getByRole('form', { name: 'New contact' });
    await form.getByLabel('Name').fill('Ivan Petrov again');
    await form.getByLabel('Phone 1').fill('8 343 200-11-22');
    await page.keyboard.press('Control+Enter');

    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('+7 343 200 11 22 already belongs to Ivan Petrov (Ural Steel).');
    await alert.getByRole('button', { name: 'Open Ivan Petrov' }).click();

    const card = page.getByRole('region', { name: 'Contact card' });
    await card.getByRole('heading', { name: /Ivan Petrov/ }).waitFor();
    expect(await card.textContent()).toContain('Ural Steel');
    const { body } = await api<ListContactsResponse>(`/api/contacts?phone=${encodeURIComponent(IVAN)}`);
    expect(body.items.map((contact) => contact.name)).toEqual(['Ivan Petrov']);
    expect(errors).toEqual([]);
  });
});
