import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse, User } from '@crm/shared';
import { loginAt } from '../support/app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const mainJs = join(root, 'server/dist/main.js');

/** The environment a newcomer has: nothing of ours set, so everything runs embedded. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', LOG_LEVEL: 'info' };
  return { ...env, ...extra };
}

interface Running {
  child: ChildProcess;
  baseUrl: string;
  output: () => string;
}

/** Starts `node server/dist/main.js` and waits for the start banner with the URL. */
function startServer(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, [mainJs], { cwd: root, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) resolve({ child, baseUrl: match[1].replace('localhost', '127.0.0.1'), output: () => output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready:\n${output}`)));
  });
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
  });
}

describe('the server process (npm start runs this)', () => {
  let dataDir: string;

  beforeAll(async () => {
    // Integration runs normally follow `npm run build`; compile here too (incremental) so the
    // process under test is the current source.
    spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', 'server'], { cwd: root, stdio: 'ignore' });
    if (!existsSync(mainJs)) throw new Error('server/dist/main.js is missing: run `npm run build`');
    dataDir = await mkdtemp(join(tmpdir(), 'crm-process-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start with bad configuration, listing every problem without secrets', async () => {
    const result = spawnSync(process.execPath, [mainJs], {
      cwd: root,
      env: cleanEnv({ PORT: 'abc', REDIS_URL: 'localhost:6379', AMI_HOST: 'pbx.example', AMI_PORT: '99999', SEED_DEMO: 'sometimes', DATA_DIR: dataDir }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    const problems = result.stderr;
    for (const variable of ['PORT', 'REDIS_URL', 'AMI_PORT', 'AMI_SECRET', 'SEED_DEMO']) expect(problems).toContain(`${variable}: `);
    expect(problems).toContain('expected an integer from 0 to 65535');
  });

  it('never prints a secret it was given', async () => {
    const result = spawnSync(process.execPath, [mainJs], {
      cwd: root,
      env: cleanEnv({ AMI_HOST: 'pbx.example', AMI_SECRET: 'top-secret-value', AMI_PORT: 'not-a-port', DATA_DIR: dataDir }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AMI_PORT: ');
    expect(`${result.stdout}${result.stderr}`).not.toContain('top-secret-value');
  });

  it('starts embedded with demo users, shuts down gracefully on SIGTERM and keeps its data', async () => {
    const first = await startServer({ PORT: '0', DATA_DIR: dataDir });
    expect(first.output()).toContain('EMBEDDED store');
    expect(first.output()).toContain('agent1 (agent 1001)');
    const health = (await (await fetch(`${first.baseUrl}/healthz`)).json()) as HealthResponse;
    expect(health.mongo).toEqual({ mode: 'embedded', up: true });

    const admin = await loginAt(first.baseUrl, 'admin');
    const created = await fetch(`${first.baseUrl}/api/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'night-shift', password: 'night-pass', displayName: 'Night Shift', role: 'agent', extension: '1020' }),
    });
    expect(created.status).toBe(201);

    // An agent console is connected when the server is told to stop: its socket is closed by the server.
    const agent = await loginAt(first.baseUrl, 'agent1');
    const socket = connect(first.baseUrl, { auth: { token: agent.token }, reconnection: false });
    await new Promise((resolve, reject) => {
      socket.once('session:ready', resolve);
      socket.once('connect_error', reject);
    });
    const socketClosed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    first.child.kill('SIGTERM');
    expect(await exitOf(first.child)).toBe(0);
    expect(await socketClosed).not.toBe('io client disconnect');
    expect(first.output()).toContain('Stopped');

    const second = await startServer({ PORT: '0', DATA_DIR: dataDir });
    try {
      expect(second.output()).not.toContain('seeded just now');
      const { user } = await loginAt(second.baseUrl, 'night-shift', 'night-pass');
      expect((user as User).extension).toBe('1020');
      // The session from before the restart is still valid: sessions live in the store.
      const me = await fetch(`${second.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(me.status).toBe(200);
    } finally {
      second.child.kill('SIGINT');
      expect(await exitOf(second.child)).toBe(0);
    }
  });
});
