import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthResponse } from '@crm/shared';
import type { PbxSimulator } from '../../server/src/pbx-simulator/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestPbx, startTestTelephony, waitFor } from '../support/pbx.js';

describe('health and metrics with telephony wired in', () => {
  let pbx: PbxSimulator;
  let server: TestApp;

  beforeAll(async () => {
    pbx = await startTestPbx();
    server = await startTestApp({ telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection }) });
  });
  afterAll(async () => {
    await server?.stop();
    await pbx?.close();
  });

  const health = async () => (await (await fetch(`${server.baseUrl}/healthz`)).json()) as HealthResponse;

  it('reports the PBX simulator up and the whole product ok', async () => {
    const report = await waitFor(async () => {
      const current = await health();
      return current.ami.up ? current : null;
    }, 'AMI up on /healthz');
    expect(report).toEqual({
      status: 'ok',
      mongo: { mode: 'embedded', up: true },
      redis: { mode: 'memory', up: true },
      ami: { mode: 'simulator', up: true },
    });
  });

  it('shows the AMI connection in /metrics', async () => {
    const metrics = await waitFor(async () => {
      const text = await (await fetch(`${server.baseUrl}/metrics`)).text();
      return /crm_ami_connected 1/.test(text) ? text : null;
    }, 'crm_ami_connected 1');
    expect(metrics).toContain('crm_ami_reconnects_total 0');
  });
});
