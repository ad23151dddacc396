import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * Real headless Chromium from Debian's `chromium` package, driven by playwright-core (never a
 * downloaded browser). `npm test` installs the package when it is missing (scripts/system-deps.mjs).
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The size the README screenshots and layout checks use: a common call-center laptop screen. */
export const SCREEN = { width: 1366, height: 768 } as const;

/**
 * How long `expect.poll` waits for what the user would see. Vitest's default (1 s) is shorter than
 * a reconnect or a screen-pop can take on a loaded two-core CI machine; the wait stays bounded so a
 * real failure still fails well inside the test's own timeout.
 */
export const UNTIL_SEEN = { timeout: 20_000, interval: 100 } as const;

export function chromiumPath(): string {
  const found = CHROMIUM_PATHS.find((path) => existsSync(path));
  if (!found) {
    throw new Error('Chromium is not installed. Install it with: apt-get update && apt-get install -y --no-install-recommends chromium');
  }
  return found;
}

/** Fails early with the command to run when the consoles the server serves were never built. */
export function assertConsolesBuilt(): void {
  const missing = ['agent-console/dist/index.html', 'supervisor-dashboard/dist/index.html'].filter(
    (file) => !existsSync(join(REPO_ROOT, file)),
  );
  if (missing.length) throw new Error(`Browser tests need the built consoles (${missing.join(', ')}). Run: npm run build`);
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh, isolated browser profile (own cookies and storage) with a page at 1366×768. */
  newPage(options?: { locale?: string; timezoneId?: string }): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright-core gives every launch its own fresh temporary profile (it refuses a
  // --user-data-dir flag), so no state leaks between runs.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    async newPage({ locale = 'en-GB', timezoneId = 'Europe/Moscow' } = {}) {
      const context = await browser.newContext({ viewport: SCREEN, locale, timezoneId });
      contexts.add(context);
      const page = await context.newPage();
      // Uncaught errors and console errors in the page fail the tests that check them. Chromium's
      // own "Failed to load resource" lines are expected answers (401 before login) and are skipped.
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
          errors.push(`console: ${message.text()}`);
        }
      });
      return { context, page, errors };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
    },
  };
}

/** Signs in through the login page as a user would and waits until the app leaves it. */
export async function logInThroughPage(page: Page, baseUrl: string, login: string, password = 'demo', path = '/login'): Promise<void> {
  if (!page.url().includes('/login')) await page.goto(new URL(path, baseUrl).href);
  await page.locator('#login-login').fill(login);
  await page.locator('#login-password').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== '/login');
}

/**
 * A fresh profile signed in as `login` on the agent console (a supervisor or manager too, who would
 * otherwise land on the dashboard), once its socket is online.
 */
export async function openAgentConsole(chromium: TestBrowser, baseUrl: string, login: string): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await chromium.newPage();
  await logInThroughPage(page, baseUrl, login, 'demo', '/login?next=/');
  await page.locator('.connection[data-state="online"]').waitFor();
  return { page, errors };
}

/** Writes a PNG for the README under docs/screenshots/. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const file = join(REPO_ROOT, 'docs', 'screenshots', `${name}.png`);
  mkdirSync(dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
