import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, HealthResponse, ServerToClientEvents } from '@crm/shared';
import { createRedisLiveState } from '../../server/src/live-state/redis-live-state.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { startTestMongo, type TestMongo } from '../support/mongo.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

describe('two instances sharing MongoDB and Redis', () => {
  let redis: TestRedis;
  let mongo: TestMongo;
  let instanceA: TestApp;
  let instanceB: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    mongo = await startTestMongo();
    const shared = { mongoUrl: mongo.url, dbName: mongo.dbName, config: { redis: { url: redis.url }, auth: { loginMaxFailures: 4 } } };
    instanceA = await startTestApp({ ...shared, liveState: createRedisLiveState({ url: redis.url }) });
    instanceB = await startTestApp({ ...shared, liveState: createRedisLiveState({ url: redis.url }), seed: false });
  });
  afterAll(async () => {
    await instanceB?.stop();
    await instanceA?.stop();
    await instanceA?.context.liveState.close();
    await instanceB?.context.liveState.close();
    await mongo?.stop();
    await redis?.stop();
  });

  it('reports Redis as the live state on /healthz', async () => {
    const health = (await (await fetch(`${instanceB.baseUrl}/healthz`)).json()) as HealthResponse;
    expect(health.redis).toEqual({ mode: 'external', up: true });
  });

  it('accepts on one instance a session started on the other', async () => {
    const { token } = await instanceA.login('agent1');
    const response = await fetch(`${instanceB.baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('delivers a push emitted on one instance to an agent connected to the other', async () => {
    const { token } = await instanceB.login('agent2');
    const socket: ClientSocket = connect(instanceB.baseUrl, { auth: { token }, reconnection: false });
    try {
      await new Promise((resolve, reject) => {
        socket.once('session:ready', resolve);
        socket.once('connect_error', reject);
      });
      const status = { extension: '1002', state: 'paused' as const, pauseReason: 'lunch', since: '2026-03-02T12:00:00.000Z', queues: ['sales'] };
      const received = new Promise((resolve) => socket.once('agent:status', resolve));
      instanceA.context.realtime.emitToAgent('1002', 'agent:status', status);
      expect(await received).toEqual(status);
    } finally {
      socket.disconnect();
    }
  });

  it('counts failed logins across instances', async () => {
    const attempt = (app: TestApp) =>
      fetch(`${app.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'manager', password: 'wrong' }),
      }).then((response) => response.status);
    const statuses = [await attempt(instanceA), await attempt(instanceB), await attempt(instanceA), await attempt(instanceB), await attempt(instanceA)];
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('gives the AMI lease to exactly one instance', async () => {
    const leaseA = await instanceA.context.liveState.acquireLease('ami-connection', 10_000);
    const leaseB = await instanceB.context.liveState.acquireLease('ami-connection', 10_000);
    expect(leaseA).not.toBeNull();
    expect(leaseB).toBeNull();
    await instanceA.context.liveState.releaseLease(leaseA!);
    expect(await instanceB.context.liveState.acquireLease('ami-connection', 10_000)).not.toBeNull();
  });

  it('reports Redis as down on /healthz when it stops answering', async () => {
    await redis.stop();
    const health = (await (await fetch(`${instanceA.baseUrl}/healthz`)).json()) as HealthResponse;
    expect(health.status).toBe('degraded');
    expect(health.redis).toMatchObject({ mode: 'external', up: false });
    expect(health.mongo.up).toBe(true);
  });
});
