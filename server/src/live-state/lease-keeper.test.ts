import { describe, expect, it } from 'vitest';
import { silentLogger } from '../observability/logger.js';
import { startLeaseKeeper } from './lease-keeper.js';
import { createMemoryLiveState } from './memory-live-state.js';

function keeper(store: ReturnType<typeof createMemoryLiveState>, events: string[], who: string) {
  let acquired!: () => void;
  const isAcquired = new Promise<void>((resolve) => (acquired = resolve));
  const instance = startLeaseKeeper({
    store,
    name: 'ami-connection',
    ttlMs: 300,
    intervalMs: 20,
    logger: silentLogger(),
    onAcquired: () => {
      events.push(`${who} acquired`);
      acquired();
    },
    onLost: () => {
      events.push(`${who} lost`);
    },
  });
  return { instance, isAcquired };
}

describe('lease keeper', () => {
  it('lets one instance hold the lease and hands it over when that one stops', async () => {
    const store = createMemoryLiveState();
    const events: string[] = [];
    const first = keeper(store, events, 'A');
    await first.isAcquired;
    const second = keeper(store, events, 'B');
    // B keeps trying while A renews; it gets the lease only once A lets go.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(second.instance.isHolder()).toBe(false);
    await first.instance.stop();
    await second.isAcquired;
    expect(events).toEqual(['A acquired', 'A lost', 'B acquired']);
    await second.instance.stop();
    expect(events.at(-1)).toBe('B lost');
  });

  it('notices a lease taken over after it expired', async () => {
    let now = 0;
    const store = createMemoryLiveState({ now: () => now });
    const events: string[] = [];
    const first = keeper(store, events, 'A');
    await first.isAcquired;
    // Time jumps past the TTL (a long GC pause, a frozen VM): another instance takes the lease.
    now += 10_000;
    const thief = await store.acquireLease('ami-connection', 60_000);
    expect(thief).not.toBeNull();
    while (first.instance.isHolder()) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual(['A acquired', 'A lost']);
    await first.instance.stop();
  });
});
