import { describe, expect, it } from 'vitest';
import { createMemoryLiveState } from './memory-live-state.js';

describe('memory live state', () => {
  it('expires values after their TTL', async () => {
    let now = 1_000;
    const store = createMemoryLiveState({ now: () => now });
    await store.set('a', '1', { ttlMs: 500 });
    expect(await store.get('a')).toBe('1');
    expect(await store.ttl('a')).toBe(500);
    now += 500;
    expect(await store.get('a')).toBeNull();
  });

  it('starts a counter window on the first increment', async () => {
    let now = 0;
    const store = createMemoryLiveState({ now: () => now });
    expect(await store.increment('c', { ttlMs: 1000 })).toBe(1);
    now = 900;
    expect(await store.increment('c', { ttlMs: 1000, by: 2 })).toBe(3);
    now = 1000;
    expect(await store.increment('c', { ttlMs: 1000 })).toBe(1);
  });

  it('hands a lease to one holder at a time and lets it go on expiry', async () => {
    let now = 0;
    const store = createMemoryLiveState({ now: () => now });
    const first = await store.acquireLease('ami', 1000);
    expect(first).not.toBeNull();
    expect(await store.acquireLease('ami', 1000)).toBeNull();
    now = 800;
    expect(await store.renewLease(first!)).toBe(true);
    now = 1700;
    expect(await store.acquireLease('ami', 1000)).toBeNull();
    now = 1801;
    const second = await store.acquireLease('ami', 1000);
    expect(second).not.toBeNull();
    expect(await store.renewLease(first!)).toBe(false);
    await store.releaseLease(first!);
    expect(await store.acquireLease('ami', 1000)).toBeNull();
    await store.releaseLease(second!);
    expect(await store.acquireLease('ami', 1000)).not.toBeNull();
  });

  it('keeps hashes of snapshots', async () => {
    const store = createMemoryLiveState();
    await store.hashSet('agents', '1001', '{"state":"ready"}');
    await store.hashSet('agents', '1002', '{"state":"paused"}');
    await store.hashDelete('agents', '1002');
    expect(await store.hashGetAll('agents')).toEqual({ '1001': '{"state":"ready"}' });
    expect(await store.hashGet('agents', '1001')).toBe('{"state":"ready"}');
    expect(await store.setIfAbsent('k', 'v')).toBe(true);
    expect(await store.setIfAbsent('k', 'w')).toBe(false);
  });
});
