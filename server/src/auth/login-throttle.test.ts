import { describe, expect, it } from 'vitest';
import { createMemoryLiveState } from '../live-state/memory-live-state.js';
import { createLoginThrottle, decideThrottle } from './login-throttle.js';

const limits = { maxFailures: 3, maxFailuresPerAddress: 10, windowMs: 60_000 };

describe('login throttle', () => {
  it('allows logins below the limits', () => {
    expect(decideThrottle({ pairFailures: 2, addressFailures: 2, pairTtlMs: 1000, addressTtlMs: 1000 }, limits)).toEqual({ allowed: true });
  });

  it('locks a login on one address after the allowed failures, until the window ends', () => {
    expect(decideThrottle({ pairFailures: 3, addressFailures: 3, pairTtlMs: 12_300, addressTtlMs: 12_300 }, limits)).toEqual({
      allowed: false,
      retryAfterSeconds: 13,
    });
  });

  it('locks an address that sprays many logins', () => {
    expect(decideThrottle({ pairFailures: 1, addressFailures: 10, pairTtlMs: 5000, addressTtlMs: 40_000 }, limits)).toEqual({
      allowed: false,
      retryAfterSeconds: 40,
    });
  });

  it('counts failures in the live state and forgives them when the window passes', async () => {
    let now = 0;
    const store = createMemoryLiveState({ now: () => now });
    const throttle = createLoginThrottle({ store, maxFailures: 3, windowMs: 60_000 });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await throttle.check('10.0.0.1', 'agent1')).allowed).toBe(true);
      await throttle.recordFailure('10.0.0.1', 'Agent1');
    }
    expect((await throttle.check('10.0.0.1', 'agent1')).allowed).toBe(false);
    expect((await throttle.check('10.0.0.2', 'agent1')).allowed).toBe(true);
    expect((await throttle.check('10.0.0.1', 'agent2')).allowed).toBe(true);
    now = 60_001;
    expect((await throttle.check('10.0.0.1', 'agent1')).allowed).toBe(true);
  });
});
