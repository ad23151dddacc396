import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { assertConsolesBuilt, launchBrowser, logInThroughPage, saveScreenshot, UNTIL_SEEN, type TestBrowser } from '../support/browser.js';
import { startTestPbx, startTestTelephony } from '../support/pbx.js';

describe('consoles in a real browser', () => {
  let app: TestApp;
  let chromium: TestBrowser;
  let pbx: PbxSimulator;

  beforeAll(async () => {
    assertConsolesBuilt();
    // A quiet PBX (no traffic): the consoles show live telephony and agent states, and no call.
    pbx = await startTestPbx();
    [app, chromium] = await Promise.all([
      startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) }),
      launchBrowser(),
    ]);
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    await pbx?.close();
  });

  it('sends an agent without a session to the login page, then into the agent console with a live connection', async () => {
    const { page, errors } = await chromium.newPage();
    await page.goto(app.baseUrl + '/');
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');

    await logInThroughPage(page, app.baseUrl, 'agent1');

    expect(new URL(page.url()).pathname).toBe('/');
    // agent1 works in Russian (seeded preference).
    await page.getByRole('heading', { name: 'Текущий звонок' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Связь с сервером' }).textContent(), UNTIL_SEEN).toContain('В сети');
    await page.getByText('Сейчас звонка нет').waitFor();
    await page.getByRole('group', { name: 'Ваш статус' }).getByText('Внутренний номер 1001').waitFor();
    expect(errors).toEqual([]);
  });

  it('switches an agent’s language from Russian to English at once and keeps it after a reload', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'agent2');
    await page.getByRole('heading', { name: 'Текущий звонок' }).waitFor();

    await page.getByRole('button', { name: 'Учётная запись: Boris Ivanov' }).click();
    await page.getByLabel('Язык').selectOption('en');

    await page.getByRole('heading', { name: 'Current call' }).waitFor();
    await page.getByText('No call right now').waitFor();
    await expect.poll(() => page.locator('html').getAttribute('lang'), UNTIL_SEEN).toBe('en');

    await page.reload();
    await page.getByRole('heading', { name: 'Current call' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connection to the server' }).textContent(), UNTIL_SEEN).toContain('Online');
    expect(await page.getByRole('heading', { name: 'Текущий звонок' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Account: Boris Ivanov' }).click();
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('heading', { name: 'Текущий звонок' }).waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the agent console at 1366×768 without page scrolling (README screenshot)', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'agent3');
    await page.getByRole('heading', { name: 'Current call' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connection to the server' }).textContent(), UNTIL_SEEN).toContain('Online');
    const todaysCalls = page.getByRole('region', { name: 'Today’s calls' });
    await todaysCalls.waitFor();
    await expect.poll(() => todaysCalls.textContent(), UNTIL_SEEN).not.toContain('Loading');

    const overflow = await page.evaluate(() => ({
      x: document.documentElement.scrollWidth - window.innerWidth,
      y: document.documentElement.scrollHeight - window.innerHeight,
    }));
    expect(overflow).toEqual({ x: 0, y: 0 });

    await page.keyboard.press('/');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('type')), UNTIL_SEEN).toBe('search');
    await page.keyboard.press('Escape');

    await saveScreenshot(page, 'agent-console');
    expect(errors).toEqual([]);
  });

  it('reconnects after the server drops the socket, and goes to the login page once the session is revoked', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'agent1');
    const indicator = page.getByRole('status').filter({ hasText: 'Связь с сервером' });
    await expect.poll(() => indicator.textContent(), UNTIL_SEEN).toContain('В сети');
    const { user } = await app.login('agent1');

    // The server closes the socket on purpose (as on a restart): the console comes back by itself.
    app.context.realtime.disconnectUser(user.id);
    await indicator.filter({ hasText: 'Переподключение' }).waitFor();
    await expect.poll(() => indicator.textContent(), UNTIL_SEEN).toContain('В сети');

    // The session is revoked: the reconnect is refused and the agent is asked to sign in again.
    await app.context.sessions.endAllFor(user.id);
    app.context.realtime.disconnectUser(user.id);
    await page.waitForURL((url) => url.pathname === '/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/');
    expect(errors).toEqual([]);
  });

  it('finds a contact by a phone fragment from the search the / key focuses', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'agent3');
    await page.getByRole('heading', { name: 'Current call' }).waitFor();
    // Shortcuts listen from the console's first effects on; a live connection comes after them.
    await page.locator('.connection[data-state="online"]').waitFor();

    await page.keyboard.press('/');
    await page.keyboard.type('8 343 200-11-22');
    await page.keyboard.press('Enter');

    const results = page.getByRole('region', { name: 'Search contacts' }).getByRole('list');
    await results.getByText('Ivan Petrov').waitFor();
    expect(await results.textContent()).toContain('Ural Steel');
    expect(await results.textContent()).toContain('+7 343 200 11 22');

    await page.keyboard.press('Escape');
    await expect.poll(() => results.count(), UNTIL_SEEN).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the wrong-password error on the login page', async () => {
    const { page } = await chromium.newPage();
    await page.goto(app.baseUrl + '/login');
    await page.getByLabel('Login').or(page.getByLabel('Логин')).fill('agent1');
    await page.locator('#login-password').fill('wrong-password');
    await page.locator('form button[type="submit"]').click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Wrong login or password|Неверный логин или пароль/);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('takes a supervisor to the live board, and back to the page they asked for after login', async () => {
    const { page, errors } = await chromium.newPage();
    await page.goto(app.baseUrl + '/supervisor/reports');
    await page.waitForURL((url) => url.pathname === '/login');

    await logInThroughPage(page, app.baseUrl, 'supervisor');
    expect(new URL(page.url()).pathname).toBe('/supervisor/reports');
    await page.getByRole('heading', { level: 1, name: 'Отчёты' }).waitFor();

    await page.getByRole('navigation').getByRole('link', { name: 'Онлайн-табло' }).click();
    await page.getByRole('heading', { level: 1, name: 'Онлайн-табло' }).waitFor();
    await page.getByText('Ожидаем онлайн-показатели').waitFor();
    await page.getByRole('region', { name: 'Состояние системы' }).getByText('База данных').waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Связь с сервером' }).textContent(), UNTIL_SEEN).toContain('В сети');
    expect(await page.getByRole('link', { name: 'Администрирование' }).count()).toBe(0);

    // A supervisor who opens the admin section is sent to the dashboard; the contacts workspace
    // (the agent console) opens from the dashboard's navigation.
    await page.goto(app.baseUrl + '/supervisor/admin');
    await page.waitForURL((url) => url.pathname === '/supervisor/');
    await page.getByRole('navigation').getByRole('link', { name: 'Контакты' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    await page.getByPlaceholder('Имя, компания или телефон').waitFor();
    expect(errors).toEqual([]);
  });

  it('shows the supervisor dashboard at 1366×768 (README screenshot)', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'manager');
    expect(new URL(page.url()).pathname).toBe('/supervisor/');
    await page.getByRole('button', { name: 'Учётная запись: Maria Kuznetsova' }).click();
    await page.getByLabel('Язык').selectOption('en');
    // Close the menu by clicking elsewhere, so the screenshot shows no open menu or focus ring.
    await page.getByRole('heading', { level: 1, name: 'Live board' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Account: Maria Kuznetsova' }).getAttribute('aria-expanded'), UNTIL_SEEN).toBe('false');
    await page.getByRole('region', { name: 'System status' }).getByText(/Checked at/).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connection to the server' }).textContent(), UNTIL_SEEN).toContain('Online');

    await saveScreenshot(page, 'supervisor-dashboard');
    expect(errors).toEqual([]);
  });

  it('lets an admin create a user who can then sign in', async () => {
    const { page, errors } = await chromium.newPage();
    await logInThroughPage(page, app.baseUrl, 'admin');
    expect(new URL(page.url()).pathname).toBe('/supervisor/admin');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('cell', { name: 'agent1', exact: true }).waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    await page.getByLabel('Login').fill('agent7');
    await page.getByLabel('Full name').fill('Petr Volkov');
    await page.getByLabel('Password').fill('x');
    await page.getByLabel('Extension').fill('1007');
    await page.getByLabel('Queues').fill('support');
    await page.getByRole('button', { name: 'Save' }).click();

    // The server refuses the short password; its message appears under the field.
    await page.getByRole('alert').filter({ hasText: 'Correct the highlighted fields.' }).waitFor();
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Password').fill('s3cret-pass');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('User agent7 created.').waitFor();
    await page.getByRole('cell', { name: 'Petr Volkov' }).waitFor();

    const { page: newcomer } = await chromium.newPage();
    await logInThroughPage(newcomer, app.baseUrl, 'agent7', 's3cret-pass');
    expect(new URL(newcomer.url()).pathname).toBe('/');
    await newcomer.getByRole('group', { name: 'Ваш статус' }).getByText('Внутренний номер 1007').waitFor();
    expect(errors).toEqual([]);
  });
});
