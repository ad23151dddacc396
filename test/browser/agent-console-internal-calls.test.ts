import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { assertConsolesBuilt, launchBrowser, openAgentConsole, type TestBrowser, UNTIL_SEEN } from '../support/browser.js';
import { startTestPbx, startTestTelephony } from '../support/pbx.js';

describe('agent console: a call between two agents in a real browser', () => {
  let pbx: PbxSimulator;
  let app: TestApp;
  let chromium: TestBrowser;

  const openConsole = (login: string) => openAgentConsole(chromium, app.baseUrl, login);

  beforeAll(async () => {
    assertConsolesBuilt();
    // Real time: the colleague's phone rings for 20 s, long enough to look and answer.
    pbx = await startTestPbx({ timeScale: 1 });
    [app, chromium] = await Promise.all([startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) }), launchBrowser()]);
  });

  afterAll(async () => {
    await chromium?.close();
    await app?.stop();
    await pbx?.close();
  });

  it('shows the caller calling Boris and Boris ringing with Anna named, both on a call once he answers, both cleared when she hangs up', async () => {
    const anna = await openConsole('agent1');
    const boris = await openConsole('agent2');
    const annaCall = anna.page.getByRole('region', { name: 'Текущий звонок' });
    const borisCall = boris.page.getByRole('region', { name: 'Текущий звонок' });
    const borisPhone = boris.page.getByRole('region', { name: 'Телефон', exact: true });

    // Anna dials extension 1002 from her desk phone.
    pbx.placeInternalCall({ from: '1001', to: '1002' });

    await annaCall.getByText('Звоним: Boris Ivanov…').waitFor(UNTIL_SEEN);
    expect(await annaCall.getByText('Внутренний звонок').isVisible()).toBe(true);
    await borisCall.getByRole('heading', { name: 'Anna Petrova' }).waitFor(UNTIL_SEEN);
    expect(await borisCall.getByText('Звонок между коллегами: карточки клиента нет.').isVisible()).toBe(true);
    // No client card pops for a colleague.
    expect(await boris.page.getByRole('button', { name: /Сохранить/ }).count()).toBe(0);
    await borisPhone.locator('.phone-line[data-state="ringing"]').waitFor(UNTIL_SEEN);
    // Anna's line is busy with her own call, not ringing.
    expect(await anna.page.locator('.phone-line').getAttribute('data-state')).toBe('on-call');

    await boris.page.keyboard.press('a');
    await borisCall.locator('.pop[data-phase="answered"]').waitFor(UNTIL_SEEN);
    await annaCall.locator('.pop[data-phase="answered"]').waitFor(UNTIL_SEEN);
    expect(await boris.page.locator('.phone-line').getAttribute('data-state')).toBe('on-call');
    expect(await annaCall.getByText('Звоним: Boris Ivanov…').count()).toBe(0);

    await anna.page.keyboard.press('h');
    await annaCall.locator('.pop').waitFor({ ...UNTIL_SEEN, state: 'detached' });
    await borisCall.locator('.pop').waitFor({ ...UNTIL_SEEN, state: 'detached' });
    await borisPhone.locator('.phone-line[data-state="idle"]').waitFor(UNTIL_SEEN);

    expect(anna.errors).toEqual([]);
    expect(boris.errors).toEqual([]);
  });
});
