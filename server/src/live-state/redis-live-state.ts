import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { closeRedis } from '../platform/close-redis.js';
import type { Lease, LiveStateStore } from './live-state-store.js';

// Compare-and-act scripts: a holder only ever extends or deletes a lease it still owns.
const RENEW_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_LEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
// INCRBY and start the window's TTL on the first increment only (fixed window).
const INCREMENT = `local v = redis.call('INCRBY', KEYS[1], ARGV[1]) if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return v`;

export interface RedisLiveStateOptions {
  url: string;
  /** Prefix for every key, so several products (or test runs) can share one Redis. */
  keyPrefix?: string;
}

/** Live state in Redis, shared by every instance pointing at the same REDIS_URL. */
export function createRedisLiveState({ url, keyPrefix = 'crm:' }: RedisLiveStateOptions): LiveStateStore {
  // Commands wait (queued) while Redis is briefly away and reconnects; health reports it down meanwhile.
  const redis = new Redis(url, { keyPrefix, maxRetriesPerRequest: 2, lazyConnect: false });
  redis.on('error', () => {
    // Connection errors surface through ping() and failed commands; ioredis reconnects by itself.
  });

  return {
    mode: 'redis',
    async get(key) {
      return redis.get(key);
    },
    async set(key, value, options) {
      if (options?.ttlMs === undefined) await redis.set(key, value);
      else await redis.set(key, value, 'PX', options.ttlMs);
    },
    async setIfAbsent(key, value, options) {
      const result =
        options?.ttlMs === undefined ? await redis.set(key, value, 'NX') : await redis.set(key, value, 'PX', options.ttlMs, 'NX');
      return result === 'OK';
    },
    async delete(key) {
      await redis.del(key);
    },
    async increment(key, { ttlMs, by = 1 }) {
      return Number(await redis.eval(INCREMENT, 1, key, by, ttlMs));
    },
    async ttl(key) {
      const ms = await redis.pttl(key);
      return ms < 0 ? null : ms;
    },
    async hashSet(key, field, value) {
      await redis.hset(key, field, value);
    },
    async hashGet(key, field) {
      return redis.hget(key, field);
    },
    async hashGetAll(key) {
      return redis.hgetall(key);
    },
    async hashDelete(key, field) {
      await redis.hdel(key, field);
    },
    async acquireLease(name, ttlMs) {
      const lease: Lease = { name, holder: randomUUID(), ttlMs };
      const result = await redis.set(`lease:${name}`, lease.holder, 'PX', ttlMs, 'NX');
      return result === 'OK' ? lease : null;
    },
    async renewLease(lease, ttlMs = lease.ttlMs) {
      return Number(await redis.eval(RENEW_LEASE, 1, `lease:${lease.name}`, lease.holder, ttlMs)) === 1;
    },
    async releaseLease(lease) {
      await redis.eval(RELEASE_LEASE, 1, `lease:${lease.name}`, lease.holder);
    },
    async ping() {
      if (redis.status === 'end') return false;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      await closeRedis(redis);
    },
  };
}
