import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLiveState } from '../../server/src/live-state/redis-live-state.js';
import type { LiveStateStore } from '../../server/src/live-state/live-state-store.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';

describe('live state in Redis (shared by every instance)', () => {
  let redis: TestRedis;
  let instanceA: LiveStateStore;
  let instanceB: LiveStateStore;

  beforeAll(async () => {
    redis = await startTestRedis();
    instanceA = createRedisLiveState({ url: redis.url, keyPrefix: 'test:' });
    instanceB = createRedisLiveState({ url: redis.url, keyPrefix: 'test:' });
  });

  afterAll(async () => {
    await instanceA?.close();
    await instanceB?.close();
    await redis?.stop();
  });

  it('answers pings and shares values between instances', async () => {
    expect(await instanceA.ping()).toBe(true);
    await instanceA.set('greeting', 'hello', { ttlMs: 60_000 });
    expect(await instanceB.get('greeting')).toBe('hello');
    expect(await instanceB.ttl('greeting')).toBeGreaterThan(0);
    expect(await instanceB.setIfAbsent('greeting', 'other')).toBe(false);
    await instanceB.delete('greeting');
    expect(await instanceA.get('greeting')).toBeNull();
  });

  it('counts rate-limit failures across instances within one window', async () => {
    expect(await instanceA.increment('login-failures:1.2.3.4:agent1', { ttlMs: 60_000 })).toBe(1);
    expect(await instanceB.increment('login-failures:1.2.3.4:agent1', { ttlMs: 60_000 })).toBe(2);
    expect(await instanceA.increment('login-failures:1.2.3.4:agent1', { ttlMs: 60_000, by: 3 })).toBe(5);
    expect(await instanceA.ttl('login-failures:1.2.3.4:agent1')).toBeGreaterThan(50_000);
  });

  it('keeps agent snapshots in hashes', async () => {
    await instanceA.hashSet('agents', '1001', JSON.stringify({ state: 'ready' }));
    await instanceB.hashSet('agents', '1002', JSON.stringify({ state: 'paused' }));
    expect(await instanceA.hashGetAll('agents')).toEqual({ '1001': '{"state":"ready"}', '1002': '{"state":"paused"}' });
    await instanceA.hashDelete('agents', '1001');
    expect(await instanceB.hashGet('agents', '1001')).toBeNull();
  });

  it('gives the AMI lease to exactly one instance until it is released', async () => {
    const leaseA = await instanceA.acquireLease('ami', 30_000);
    expect(leaseA).not.toBeNull();
    expect(await instanceB.acquireLease('ami', 30_000)).toBeNull();
    expect(await instanceA.renewLease(leaseA!)).toBe(true);
    await instanceA.releaseLease(leaseA!);
    const leaseB = await instanceB.acquireLease('ami', 30_000);
    expect(leaseB).not.toBeNull();
    expect(await instanceA.renewLease(leaseA!)).toBe(false);
    await instanceA.releaseLease(leaseA!);
    expect(await instanceA.acquireLease('ami', 30_000)).toBeNull();
  });

  it('lets another instance take over a lease its holder stopped renewing', async () => {
    const shortLease = await instanceA.acquireLease('short', 150);
    expect(shortLease).not.toBeNull();
    let takenOver = await instanceB.acquireLease('short', 150);
    while (!takenOver) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      takenOver = await instanceB.acquireLease('short', 150);
    }
    expect(await instanceA.renewLease(shortLease!)).toBe(false);
  });
});
