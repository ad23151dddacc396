/** Commands that list, create and drop databases, collections and indexes. */
import { Query } from 'mingo';
import { MongoCommandError } from '../errors.js';
import { isPlainObject, type Doc } from '../query/bson-order.js';
import { ID_INDEX_NAME } from '../storage/collection.js';
import type { Collection } from '../storage/collection.js';
import type { IndexSpec } from '../storage/secondary-index.js';
import type { Store } from '../storage/store.js';
import { collectionName, findCollection, namespaceOf, optionalDoc, requireArray, type CommandHandler } from './context.js';

const ID_INDEX = { v: 2, key: { _id: 1 }, name: ID_INDEX_NAME };

const listCollections: CommandHandler = (command, context) => {
  const collections = [...(context.store.databases.get(context.db)?.values() ?? [])];
  let entries: Doc[] = collections.map((collection) => ({
    name: collection.name,
    type: 'collection',
    options: collection.info.options,
    info: { readOnly: false, uuid: collection.info.uuid },
    idIndex: ID_INDEX,
  }));
  const filter = optionalDoc(command, 'filter');
  if (filter && Object.keys(filter).length > 0) {
    const query = new Query(filter, {});
    entries = entries.filter((entry) => query.test(entry));
  }
  if (command.nameOnly === true) entries = entries.map(({ name, type }) => ({ name, type }));
  return context.cursors.start(`${context.db}.$cmd.listCollections`, entries, { batchSize: (command.cursor as Doc | undefined)?.batchSize });
};

const create: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const { create: _name, $db: _db, lsid: _lsid, $readPreference: _rp, writeConcern: _wc, ...options } = command;
  context.store.createCollection(context.db, name, options);
  return { ok: 1 };
};

const drop: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const collection = findCollection(context, name);
  if (!collection) return { ok: 1 };
  const nIndexesWas = collection.indexes.size + 1;
  context.store.dropCollection(context.db, name);
  return { nIndexesWas, ns: namespaceOf(context, name), ok: 1 };
};

const dropDatabase: CommandHandler = (_command, context) => {
  context.store.dropDatabase(context.db);
  return { dropped: context.db, ok: 1 };
};

const listIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const collection = findCollection(context, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${namespaceOf(context, name)}`);
  return context.cursors.start(namespaceOf(context, name), context.store.indexSpecs(collection), { batchSize: (command.cursor as Doc | undefined)?.batchSize });
};

/** Options that may differ between two specs of one key pattern without being another index. */
function comparableOptions(spec: IndexSpec): string {
  const { v: _v, name: _name, key: _key, background: _bg, ...rest } = spec;
  return JSON.stringify(rest);
}

function normalizeSpec(raw: Doc): IndexSpec {
  if (!isPlainObject(raw.key) || Object.keys(raw.key).length === 0) {
    throw new MongoCommandError('CannotCreateIndex', "The 'key' field must be a non-empty object");
  }
  for (const [field, direction] of Object.entries(raw.key)) {
    if (typeof direction === 'string') throw new MongoCommandError('CannotCreateIndex', `Index type '${direction}' on field '${field}' is not supported by the embedded store`);
  }
  if (typeof raw.name !== 'string' || raw.name.length === 0) throw new MongoCommandError('CannotCreateIndex', "The 'name' field is a required property of an index specification");
  const { key, name, ...options } = raw;
  return { v: 2, key: key as IndexSpec['key'], name, ...options };
}

const createIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const specs = requireArray(command, 'indexes').map(normalizeSpec);
  const existedBefore = Boolean(findCollection(context, name));
  const collection = context.store.ensureCollection(context.db, name);
  const numIndexesBefore = collection.indexes.size + 1;
  const created: string[] = [];
  try {
    for (const spec of specs) if (createIndex(context.store, collection, spec)) created.push(spec.name);
  } catch (error) {
    // One command builds its indexes together, as in MongoDB: when one fails, none is kept.
    for (const name of created) context.store.dropIndex(collection, name);
    throw error;
  }
  const numIndexesAfter = collection.indexes.size + 1;
  return {
    numIndexesBefore,
    numIndexesAfter,
    ...(numIndexesAfter === numIndexesBefore ? { note: 'all indexes already exist' } : {}),
    createdCollectionAutomatically: !existedBefore,
    ok: 1,
  };
};

/** Creates one index unless an identical one exists (then returns false); refuses conflicting ones. */
function createIndex(store: Store, collection: Collection, spec: IndexSpec): boolean {
  if (spec.name === ID_INDEX_NAME || JSON.stringify(spec.key) === JSON.stringify({ _id: 1 })) return false;
  const sameName = collection.indexes.get(spec.name);
  const sameKey = [...collection.indexes.values()].find((index) => JSON.stringify(index.spec.key) === JSON.stringify(spec.key));
  if (sameName && JSON.stringify(sameName.spec.key) !== JSON.stringify(spec.key)) {
    throw new MongoCommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameName.spec)}`);
  }
  if (sameKey) {
    if (sameKey.name === spec.name && comparableOptions(sameKey.spec) === comparableOptions(spec)) return false;
    throw new MongoCommandError('IndexOptionsConflict', `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(sameKey.spec)}`);
  }
  store.createIndex(collection, spec);
  return true;
}

const dropIndexes: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const collection = findCollection(context, name);
  if (!collection) throw new MongoCommandError('NamespaceNotFound', `ns not found ${namespaceOf(context, name)}`);
  const nIndexesWas = collection.indexes.size + 1;
  const target = command.index;
  const names =
    target === '*'
      ? [...collection.indexes.keys()]
      : Array.isArray(target)
        ? target.map(String)
        : typeof target === 'string'
          ? [target]
          : [...collection.indexes.values()].filter((index) => JSON.stringify(index.spec.key) === JSON.stringify(target)).map((index) => index.name);
  if (names.length === 0 && target !== '*') throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(target)}`);
  for (const indexName of names) {
    if (indexName === ID_INDEX_NAME) throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!collection.indexes.has(indexName)) throw new MongoCommandError('IndexNotFound', `index not found with name [${indexName}]`);
    context.store.dropIndex(collection, indexName);
  }
  return { nIndexesWas, ok: 1 };
};

function splitNamespace(value: unknown, field: string): { db: string; name: string } {
  const text = typeof value === 'string' ? value : '';
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) throw new MongoCommandError('InvalidNamespace', `Invalid ${field} namespace: ${text}`);
  return { db: text.slice(0, dot), name: text.slice(dot + 1) };
}

const renameCollection: CommandHandler = (command, context) => {
  if (context.db !== 'admin') throw new MongoCommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const from = splitNamespace(command.renameCollection, 'source');
  const to = splitNamespace(command.to, 'target');
  context.store.renameCollection(from.db, from.name, to.db, to.name, command.dropTarget === true);
  return { ok: 1 };
};

export const catalogCommands: Record<string, CommandHandler> = {
  renameCollection,
  listCollections,
  create,
  drop,
  dropDatabase,
  listIndexes,
  createIndexes,
  dropIndexes,
};
