import type { AddressInfo } from 'node:net';
import cookieParser from 'cookie-parser';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import type { CallRecord, ListCallsResponse } from '@crm/shared';
import { attachSession } from '../../server/src/auth/require-auth.js';
import { createCallRepository } from '../../server/src/calls/call.repository.js';
import { createCallsRouter } from '../../server/src/calls/calls.routes.js';
import { errorMiddleware } from '../../server/src/http/error-middleware.js';
import { startTestApp, type TestApp } from '../support/app.js';
import type { Server } from 'node:http';

let app: TestApp;
let server: Server;
let base: string;
let token: string;

function call(linkedid: string, fields: Partial<CallRecord>): CallRecord {
  return buildCallRecord({
    id: linkedid,
    linkedid,
    calledNumber: null,
    agentExtension: '1001',
    result: 'answered',
    active: false,
    startedAt: '2026-11-22T10:00:00.000Z',
    queuedAt: '2026-11-22T10:00:00.500Z',
    ringingAt: '2026-11-22T10:00:01.000Z',
    answeredAt: '2026-11-22T10:00:03.500Z',
    endedAt: '2026-11-22T10:00:15.000Z',
    waitSeconds: 3,
    talkSeconds: 11,
    hangupCause: 16,
    ...fields,
  });
}

beforeAll(async () => {
  app = await startTestApp();
  // The calls router as the app mounts it (the same session middleware and error handler).
  const api = express();
  api.use(cookieParser());
  api.use(attachSession(app.context.sessions));
  api.use('/api/calls', createCallsRouter({ connection: app.connection }));
  api.use(errorMiddleware(app.context.logger));
  server = api.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  token = (await app.login('supervisor')).token;
  const repository = createCallRepository(app.connection);
  await repository.upsertMany([
    { record: call('1795358516.0', {}), state: null },
    { record: call('1795358533.4', { result: 'abandoned', agentExtension: null, ringingAgents: ['1002', '1003'], callerNumber: '+73432003344', startedAt: '2026-11-22T11:00:00.000Z', answeredAt: null, talkSeconds: null, waitSeconds: 20 }), state: null },
    { record: call('1795358588.26', { direction: 'outbound', queue: null, callerNumber: '+73432000000', calledNumber: '+73432001122', startedAt: '2026-11-22T12:00:00.000Z', talkSeconds: 10, waitSeconds: null }), state: null },
    { record: call('1795358607.30', { direction: 'outbound', queue: null, agentExtension: '1002', result: 'busy', callerNumber: '+73432000000', calledNumber: '+73432000486', startedAt: '2026-11-23T09:00:00.000Z', talkSeconds: null }), state: null },
  ]);
  // Writing the same records again changes nothing.
  await repository.upsertMany([{ record: call('1795358516.0', {}), state: null }]);
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await app?.stop();
});

async function get(path: string, auth = true): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: await response.json() };
}

describe('GET /api/calls', () => {
  it('lists every call once, newest first, with the DESIGN §5 fields', async () => {
    const { status, body } = await get('/api/calls');
    expect(status).toBe(200);
    const page = body as ListCallsResponse;
    expect(page).toMatchObject({ total: 4, page: 1, pageSize: 50 });
    expect(page.items.map((item) => item.linkedid)).toEqual(['1795358607.30', '1795358588.26', '1795358533.4', '1795358516.0']);
    expect(page.items[3]).toEqual(call('1795358516.0', {}));
  });

  it('filters by date range, queue, agent, direction, result and number, and pages', async () => {
    const ids = async (query: string) => ((await get(`/api/calls?${query}`)).body as ListCallsResponse).items.map((item) => item.linkedid);
    expect(await ids('from=2026-11-22&to=2026-11-22')).toEqual(['1795358588.26', '1795358533.4', '1795358516.0']);
    expect(await ids('from=2026-11-22T10:30:00Z&to=2026-11-22T12:30:00Z')).toEqual(['1795358588.26', '1795358533.4']);
    expect(await ids('queue=support&result=abandoned')).toEqual(['1795358533.4']);
    expect(await ids('agent=1002')).toEqual(['1795358607.30']);
    expect(await ids('direction=outbound')).toEqual(['1795358607.30', '1795358588.26']);
    expect(await ids('number=%2B7%20343%20200-11-22')).toEqual(['1795358588.26', '1795358516.0']);
    expect(await ids('number=ivan')).toEqual([]);
    // The national format with the trunk prefix, as Russian users type it, finds the E.164 records.
    expect(await ids('number=8%20(343)%20200-11-22')).toEqual(['1795358588.26', '1795358516.0']);
    const second = (await get('/api/calls?pageSize=3&page=2')).body as ListCallsResponse;
    expect(second).toMatchObject({ total: 4, page: 2, pageSize: 3 });
    expect(second.items.map((item) => item.linkedid)).toEqual(['1795358516.0']);
  });

  it('answers bad filters with 400 and a field, a missing call with 404, no session with 401', async () => {
    expect(await get('/api/calls?direction=sideways')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
    expect(await get('/api/calls?pageSize=100000')).toMatchObject({ status: 400 });
    expect(await get('/api/calls?from=2026-11-23&to=2026-11-01')).toMatchObject({ status: 400 });
    expect(await get('/api/calls/nope')).toMatchObject({ status: 404, body: { error: { code: 'NOT_FOUND' } } });
    expect((await get('/api/calls', false)).status).toBe(401);
    expect(await get('/api/calls/1795358533.4')).toMatchObject({ status: 200, body: { call: { result: 'abandoned', waitSeconds: 20 } } });
  });
});
