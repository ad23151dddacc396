import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findDocuments } from '../query/execute.js';
import type { Collection } from './collection.js';
import { SecondaryIndex } from './secondary-index.js';
import { captureStore, loadSnapshot, writeSnapshot } from './snapshot.js';
import { StoredRecord } from './stored-record.js';
import { Store } from './store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function snapshotFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-snapshot-'));
  dirs.push(dir);
  return path.join(dir, 'snapshot-00000002.bson');
}

/** Every entry of an index as [key values, document _id], in index order. */
function entriesOf(collection: Collection, name: string): unknown[] {
  const index = collection.indexes.get(name) as SecondaryIndex;
  return [...index.tree.entries()].map(([key, rec]) => [key.slice(0, index.fields.length), rec.doc._id]);
}

const words = ['ivan', 'anna', 'petrov', 'steel', 'bank', '#2001122', '#22'];

function contactsStore(): { store: Store; contacts: Collection } {
  const store = new Store();
  const contacts = store.ensureCollection('crm', 'contacts');
  store.createIndex(contacts, { v: 2, key: { phones: 1 }, name: 'phones_unique', unique: true });
  store.createIndex(contacts, { v: 2, key: { searchKeys: 1 }, name: 'search_keys' });
  store.createIndex(contacts, { v: 2, key: { company: 1, name: -1 }, name: 'company_name' });
  store.createIndex(contacts, { v: 2, key: { vip: 1 }, name: 'vip_only', partialFilterExpression: { vip: true } });
  for (let i = 0; i < 400; i += 1) {
    store.insert(contacts, {
      _id: i,
      name: i % 7 === 0 ? null : `Name ${i % 37}`,
      // Mixed types on purpose: numbers and strings sort by BSON type first.
      company: i % 11 === 0 ? i : `Company ${i % 13}`,
      phones: i % 3 === 0 ? [`+7916${i}`, `+7495${i}`] : [`+7916${i}`],
      searchKeys: [words[i % 7], words[(i * 3) % 7], words[(i * 5) % 7], `w${i % 17}`],
      vip: i % 5 === 0,
    });
  }
  // Changes after the inserts: record ids and document order no longer line up with _id.
  for (let i = 0; i < 400; i += 9) store.replace(contacts, contacts.getById(i) as StoredRecord, { _id: i, name: 'Renamed', company: 'Acme', phones: [`+7812${i}`], searchKeys: ['acme'], vip: true });
  for (let i = 4; i < 400; i += 10) store.remove(contacts, contacts.getById(i) as StoredRecord);
  for (let i = 400; i < 420; i += 1) store.insert(contacts, { _id: `late-${i}`, name: 'Late', company: 'Acme', phones: [`+7343${i}`], searchKeys: ['late', 'acme'] });
  return { store, contacts };
}

describe('snapshot index order', () => {
  it('restores every index from the recorded order, exactly as a full sort would build it', async () => {
    const { store, contacts } = contactsStore();
    const file = snapshotFile();
    await writeSnapshot(file, captureStore(store));

    const loaded = new Store();
    const { indexesSorted } = loadSnapshot(file, loaded);
    expect(indexesSorted).toBe(0);
    const restored = loaded.getCollection('crm', 'contacts') as Collection;
    for (const name of ['phones_unique', 'search_keys', 'company_name', 'vip_only']) {
      expect(entriesOf(restored, name), name).toEqual(entriesOf(contacts, name));
    }
    // The restored indexes keep working: the unique phone index still refuses a duplicate.
    expect(() => loaded.insert(restored, { _id: 'dup', phones: ['+79161'] })).toThrow(/E11000/);
  });

  it('writes the order as of the capture, while the live indexes keep changing', async () => {
    const { store, contacts } = contactsStore();
    const captures = captureStore(store);
    const before = entriesOf(contacts, 'search_keys');
    // Changes made after the capture (the snapshot is written while clients keep writing).
    store.insert(contacts, { _id: 'after', phones: ['+70000000000'], searchKeys: ['aaa', 'zzz'] });
    store.remove(contacts, contacts.getById(1) as StoredRecord);
    const file = snapshotFile();
    await writeSnapshot(file, captures);

    const loaded = new Store();
    expect(loadSnapshot(file, loaded).indexesSorted).toBe(0);
    expect(entriesOf(loaded.getCollection('crm', 'contacts') as Collection, 'search_keys')).toEqual(before);
  });

  it('holds every document as of the capture while updates and removals land before the writer copies them', async () => {
    const { store, contacts } = contactsStore();
    const docsAsCaptured = () => [...contacts.byId.values()].map((rec) => structuredClone(rec.doc));
    const expected = docsAsCaptured();
    const expectedIndex = entriesOf(contacts, 'company_name');
    const captures = captureStore(store);
    const file = snapshotFile();
    const writing = writeSnapshot(file, captures);
    // Clients keep writing while the snapshot is written: nothing of this may reach it.
    for (let i = 1; i < 400; i += 6) {
      const rec = contacts.getById(i);
      if (rec) store.replace(contacts, rec, { ...rec.doc, name: 'Changed later', company: 'Later Ltd', phones: [`+7999${i}`] });
    }
    for (let i = 2; i < 400; i += 8) {
      const rec = contacts.getById(i);
      if (rec) store.remove(contacts, rec);
    }
    store.insert(contacts, { _id: 'inserted later', phones: ['+70000000001'] });
    await writing;
    expect(contacts.snapshotGuard).toBeNull();

    const loaded = new Store();
    expect(loadSnapshot(file, loaded).indexesSorted).toBe(0);
    const restored = loaded.getCollection('crm', 'contacts') as Collection;
    expect([...restored.byId.values()].map((rec) => rec.doc)).toEqual(expected);
    expect(entriesOf(restored, 'company_name')).toEqual(expectedIndex);
  });

  it('sorts instead when a recorded order does not fit the documents', () => {
    const records = ['c', 'a', 'b'].map((name, i) => new StoredRecord(i + 1, { _id: i, tags: [name, 'x'] }));
    const index = new SecondaryIndex({ key: { tags: 1 }, name: 'tags' });
    // Right length, wrong order: positions of c, a, b, x, x would be 0,1,2 … ; this one is not sorted.
    expect(index.build(records, Uint32Array.from([0, 1, 2, 0, 1, 2]))).toBe(false);
    expect([...index.tree.entries()].map(([key, rec]) => [key[0], rec.doc._id])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 0],
      ['x', 0],
      ['x', 1],
      ['x', 2],
    ]);
    // Wrong length.
    expect(new SecondaryIndex({ key: { tags: 1 }, name: 'tags' }).build(records, Uint32Array.from([1, 2]))).toBe(false);
    // The right order is used.
    expect(new SecondaryIndex({ key: { tags: 1 }, name: 'tags' }).build(records, Uint32Array.from([1, 2, 0, 0, 1, 2]))).toBe(true);
  });

  it('keeps documents a scan only tested, or a large result read out, in their encoded form; the few of a lookup are kept decoded', async () => {
    const { store } = contactsStore();
    const file = snapshotFile();
    await writeSnapshot(file, captureStore(store));
    const loaded = new Store();
    loadSnapshot(file, loaded);
    const contacts = loaded.getCollection('crm', 'contacts') as Collection;
    const decodedCount = () => {
      const forms: unknown[] = [];
      for (const rec of contacts.byId.values()) rec.captureInto(forms, []);
      return forms.filter((form) => !Buffer.isBuffer(form)).length;
    };
    // No index on name: a collection scan over every card.
    expect(findDocuments(contacts, { filter: { name: 'Late' } }, { keepDecodedUpTo: 0 })).toHaveLength(20);
    expect(decodedCount()).toBe(0);
    // A large result (every card with a name) is read out without being kept decoded either.
    expect(findDocuments(contacts, { filter: { name: { $ne: 'Late' } } }, { keepDecodedUpTo: 100 }).length).toBeGreaterThan(100);
    expect(decodedCount()).toBe(0);
    // A lookup's few cards are kept decoded: they are likely to be read again soon.
    expect(findDocuments(contacts, { filter: { name: 'Late' } })).toHaveLength(20);
    expect(decodedCount()).toBe(20);
  });
});
