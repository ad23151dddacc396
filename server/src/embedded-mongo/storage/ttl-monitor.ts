/**
 * TTL indexes: documents whose indexed date is older than `expireAfterSeconds` are removed by a
 * periodic sweep, as MongoDB's TTL monitor does (so expiry is not instant, only eventual).
 */
import { RANK, TypeBound } from '../query/bson-order.js';
import { indexKey, type StoredRecord } from './secondary-index.js';
import type { Store } from './store.js';

/** Removes every expired document; returns how many. */
export function removeExpired(store: Store, now: Date): number {
  let removed = 0;
  for (const collections of store.databases.values()) {
    for (const collection of collections.values()) {
      for (const index of collection.indexes.values()) {
        const seconds = Number(index.spec.expireAfterSeconds);
        if (!Number.isFinite(seconds) || index.fields.length !== 1) continue;
        const cutoff = now.getTime() - seconds * 1000;
        const expired = new Map<number, StoredRecord>();
        const start = indexKey([new TypeBound(RANK.date, index.directions[0] === 1 ? -1 : 1)], -Infinity);
        for (const [key, rec] of index.tree.entries(index.directions[0] === 1 ? start : undefined)) {
          const value = key[0];
          if (!(value instanceof Date)) {
            if (index.directions[0] === 1) break;
            continue;
          }
          if (value.getTime() >= cutoff) {
            if (index.directions[0] === 1) break;
            continue;
          }
          expired.set(rec.rid, rec);
        }
        for (const rec of expired.values()) {
          store.remove(collection, rec);
          removed += 1;
        }
      }
    }
  }
  return removed;
}
