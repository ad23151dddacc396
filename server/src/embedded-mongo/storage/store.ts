/**
 * The catalog of databases and collections, and the only place that changes them. Every change
 * is applied in memory and handed to the journal as one record in the same synchronous step, so
 * what a client was acknowledged is exactly what recovery replays.
 */
import { ObjectId, UUID } from 'bson';
import { MongoCommandError } from '../errors.js';
import type { Doc } from '../query/bson-order.js';
import { Collection, ID_INDEX_NAME } from './collection.js';
import type { IndexSpec, StoredRecord } from './secondary-index.js';

/** One change, as written to the journal and replayed on recovery. */
export type ChangeRecord =
  | { o: 'cc'; db: string; c: string; opts: Doc; uuid: unknown }
  | { o: 'dc'; db: string; c: string }
  | { o: 'dd'; db: string }
  | { o: 'rc'; db: string; c: string; toDb: string; to: string }
  | { o: 'ci'; db: string; c: string; spec: IndexSpec }
  | { o: 'di'; db: string; c: string; name: string }
  | { o: 'put'; db: string; c: string; d: Doc }
  | { o: 'del'; db: string; c: string; id: unknown };

export interface ChangeSink {
  /** Journals a change; `rec` is the record a `put` wrote, which may adopt the encoded bytes. */
  record(change: ChangeRecord, rec?: StoredRecord): void;
}

const noSink: ChangeSink = { record: () => undefined };

export class Store {
  readonly databases = new Map<string, Map<string, Collection>>();
  private sink: ChangeSink = noSink;

  /** Where changes go from now on (the journal, once recovery has replayed the old ones). */
  attachSink(sink: ChangeSink): void {
    this.sink = sink;
  }

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection, created implicitly as MongoDB does on first write or index. */
  ensureCollection(db: string, name: string): Collection {
    return this.getCollection(db, name) ?? this.createCollection(db, name, {});
  }

  createCollection(db: string, name: string, options: Doc): Collection {
    validateName(db, name);
    if (this.getCollection(db, name)) {
      throw new MongoCommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    }
    const uuid = new UUID();
    this.apply({ o: 'cc', db, c: name, opts: options, uuid });
    return this.getCollection(db, name) as Collection;
  }

  dropCollection(db: string, name: string): boolean {
    if (!this.getCollection(db, name)) return false;
    this.apply({ o: 'dc', db, c: name });
    return true;
  }

  /** Moves a collection (documents, indexes) to a new name, possibly in another database. */
  renameCollection(db: string, name: string, toDb: string, to: string, dropTarget: boolean): void {
    if (!this.getCollection(db, name)) throw new MongoCommandError('NamespaceNotFound', `Source collection ${db}.${name} does not exist`);
    validateName(toDb, to);
    if (this.getCollection(toDb, to)) {
      if (!dropTarget) throw new MongoCommandError('NamespaceExists', `target namespace exists`);
      this.dropCollection(toDb, to);
    }
    this.apply({ o: 'rc', db, c: name, toDb, to });
  }

  dropDatabase(db: string): void {
    if (this.databases.has(db)) this.apply({ o: 'dd', db });
  }

  createIndex(collection: Collection, spec: IndexSpec): void {
    this.apply({ o: 'ci', db: collection.dbName, c: collection.name, spec });
  }

  dropIndex(collection: Collection, name: string): void {
    this.apply({ o: 'di', db: collection.dbName, c: collection.name, name });
  }

  insert(collection: Collection, doc: Doc): StoredRecord {
    if (doc._id === undefined) doc = { _id: new ObjectId(), ...doc };
    const rec = collection.insert(doc);
    // `d` first: its bytes then sit at a fixed offset in the journal record (see JournalWriter).
    this.journal({ d: doc, o: 'put', db: collection.dbName, c: collection.name }, rec, () => collection.remove(rec));
    return rec;
  }

  replace(collection: Collection, rec: StoredRecord, doc: Doc): void {
    const previous = rec.doc;
    collection.replace(rec, doc);
    this.journal({ d: doc, o: 'put', db: collection.dbName, c: collection.name }, rec, () => collection.replace(rec, previous));
  }

  remove(collection: Collection, rec: StoredRecord): void {
    collection.remove(rec);
    this.journal({ o: 'del', db: collection.dbName, c: collection.name, id: rec.doc._id }, undefined, () => collection.insert(rec.doc));
  }

  /**
   * Journals a document change already applied in memory; if the journal refuses it (a write
   * error, a document it cannot encode), the change is undone so memory never holds what
   * recovery would not replay, and the client gets the error.
   */
  private journal(change: ChangeRecord, rec: StoredRecord | undefined, undo: () => void): void {
    try {
      this.sink.record(change, rec);
    } catch (error) {
      undo();
      throw error;
    }
  }

  /** Applies a catalog change in memory, then journals it. */
  private apply(change: ChangeRecord): void {
    this.replay(change);
    this.sink.record(change);
  }

  /** Applies one change record without journaling it (recovery, and `apply` above). */
  replay(change: ChangeRecord): void {
    switch (change.o) {
      case 'cc': {
        const collections = this.databases.get(change.db) ?? new Map<string, Collection>();
        this.databases.set(change.db, collections);
        if (!collections.has(change.c)) collections.set(change.c, new Collection(change.db, change.c, { uuid: change.uuid, options: change.opts }));
        return;
      }
      case 'dc': {
        const collections = this.databases.get(change.db);
        collections?.delete(change.c);
        if (collections?.size === 0) this.databases.delete(change.db);
        return;
      }
      case 'dd':
        this.databases.delete(change.db);
        return;
      case 'rc': {
        const collection = this.getCollection(change.db, change.c);
        if (!collection) return;
        this.replay({ o: 'dc', db: change.db, c: change.c });
        const target = this.databases.get(change.toDb) ?? new Map<string, Collection>();
        this.databases.set(change.toDb, target);
        collection.dbName = change.toDb;
        collection.name = change.to;
        target.set(change.to, collection);
        return;
      }
      case 'ci':
        this.requireForReplay(change.db, change.c).createIndex(change.spec);
        return;
      case 'di':
        this.requireForReplay(change.db, change.c).dropIndex(change.name);
        return;
      case 'put': {
        const collection = this.requireForReplay(change.db, change.c);
        const existing = collection.getById(change.d._id);
        if (existing) collection.replace(existing, change.d);
        else collection.insert(change.d);
        return;
      }
      case 'del': {
        const collection = this.requireForReplay(change.db, change.c);
        const existing = collection.getById(change.id);
        if (existing) collection.remove(existing);
        return;
      }
    }
  }

  private requireForReplay(db: string, name: string): Collection {
    const collection = this.getCollection(db, name);
    if (collection) return collection;
    this.replay({ o: 'cc', db, c: name, opts: {}, uuid: new UUID() });
    return this.getCollection(db, name) as Collection;
  }

  /** Every index spec of a collection as `listIndexes` shows it, `_id_` first. */
  indexSpecs(collection: Collection): IndexSpec[] {
    return [{ v: 2, key: { _id: 1 }, name: ID_INDEX_NAME }, ...[...collection.indexes.values()].map((index) => index.spec)];
  }
}

function validateName(db: string, name: string): void {
  if (!db || /[/\\. "$]/.test(db)) throw new MongoCommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.startsWith('.') || name.includes('\0')) {
    throw new MongoCommandError('InvalidNamespace', `Invalid collection name: ${name}`);
  }
}
