import { describe, expect, it } from 'vitest';
import { Store, type ChangeRecord } from './store.js';

/** A journal that accepts catalog changes and refuses document changes (a full disk, say). */
function storeWithFailingJournal(): Store {
  const store = new Store();
  store.attachSink({
    record(change: ChangeRecord) {
      if (change.o === 'put' || change.o === 'del') throw new Error('ENOSPC: no space left on device');
    },
  });
  return store;
}

describe('store changes the journal refuses', () => {
  it('undoes an insert, a replace and a remove in memory, so nothing unjournaled is ever served', () => {
    const store = storeWithFailingJournal();
    const calls = store.ensureCollection('crm', 'calls');
    store.createIndex(calls, { v: 2, key: { phone: 1 }, name: 'phone_1', unique: true });
    expect(() => store.insert(calls, { _id: 1, phone: '+1' })).toThrow(/ENOSPC/);
    expect(calls.count).toBe(0);
    expect(calls.indexes.get('phone_1')?.findEqual(['+1'])).toBeUndefined();

    store.replay({ o: 'put', db: 'crm', c: 'calls', d: { _id: 2, phone: '+2' } });
    const stored = calls.getById(2)!;
    expect(() => store.replace(calls, stored, { _id: 2, phone: '+3' })).toThrow(/ENOSPC/);
    expect(calls.getById(2)?.doc).toEqual({ _id: 2, phone: '+2' });
    expect(calls.indexes.get('phone_1')?.findEqual(['+3'])).toBeUndefined();
    expect(calls.indexes.get('phone_1')?.findEqual(['+2'])?.doc).toEqual({ _id: 2, phone: '+2' });

    expect(() => store.remove(calls, calls.getById(2)!)).toThrow(/ENOSPC/);
    expect(calls.getById(2)?.doc).toEqual({ _id: 2, phone: '+2' });
    expect(calls.indexes.get('phone_1')?.findEqual(['+2'])?.doc).toEqual({ _id: 2, phone: '+2' });
  });
});
