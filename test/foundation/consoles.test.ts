import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.js';

describe('serving the consoles from the same port', () => {
  let server: TestApp;
  let missing: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crm-consoles-'));
    const agentConsoleDir = join(dir, 'agent');
    const supervisorDashboardDir = join(dir, 'supervisor');
    for (const [folder, title] of [[agentConsoleDir, 'Agent console'], [supervisorDashboardDir, 'Supervisor dashboard']] as const) {
      await mkdir(join(folder, 'assets'), { recursive: true });
      await writeFile(join(folder, 'index.html'), `<!doctype html><title>${title}</title>`);
      await writeFile(join(folder, 'assets', 'app-123.js'), `console.log(${JSON.stringify(title)});`);
    }
    server = await startTestApp({ consoles: { agentConsoleDir, supervisorDashboardDir } });
    missing = await startTestApp({
      consoles: { agentConsoleDir: join(dir, 'nope-a'), supervisorDashboardDir: join(dir, 'nope-s') },
      mongoUrl: server.mongoUrl,
      seed: false,
    });
  });
  afterAll(async () => {
    await missing?.stop();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const page = async (app: TestApp, path: string) => {
    const response = await fetch(`${app.baseUrl}${path}`, { redirect: 'manual' });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text(), response };
  };

  it('serves the agent console with its login page and any client-side route', async () => {
    for (const path of ['/', '/login', '/calls/today']) {
      const { status, text } = await page(server, path);
      expect(status).toBe(200);
      expect(text).toContain('<title>Agent console</title>');
    }
    const asset = await page(server, '/assets/app-123.js');
    expect(asset.text).toContain('Agent console');
    expect(asset.response.headers.get('cache-control')).toContain('immutable');
  });

  it('serves the supervisor dashboard under /supervisor/, admin included', async () => {
    for (const path of ['/supervisor/', '/supervisor/admin', '/supervisor/reports/missed-calls']) {
      const { status, text } = await page(server, path);
      expect(status).toBe(200);
      expect(text).toContain('<title>Supervisor dashboard</title>');
    }
    expect((await page(server, '/supervisor/assets/app-123.js')).text).toContain('Supervisor dashboard');
    const bare = await page(server, '/supervisor');
    expect(bare.status).toBe(301);
    expect(bare.response.headers.get('location')).toBe('/supervisor/');
  });

  it('never answers API, health or metrics paths with a console page', async () => {
    expect((await page(server, '/api/unknown')).type).toMatch(/json/);
    expect((await page(server, '/healthz')).type).toMatch(/json/);
    expect((await page(server, '/metrics')).text).toContain('crm_http_requests_total');
    expect((await page(server, '/assets/missing.js')).status).toBe(404);
  });

  it('tells how to build a console whose build is missing', async () => {
    const agent = await page(missing, '/login');
    expect(agent.status).toBe(503);
    expect(agent.text).toContain('npm run build');
    const supervisor = await page(missing, '/supervisor/');
    expect(supervisor.text).toContain('supervisor dashboard');
  });
});
