/**
 * insert, update, delete and findAndModify. Each statement runs synchronously from reading the
 * current document to swapping in the new one, so no other client's write can interleave:
 * that is what makes single-document writes and findAndModify atomic.
 */
import { calculateObjectSize, ObjectId, serialize } from 'bson';
import { MongoCommandError, toErrorReply } from '../errors.js';
import { idFirst, isPlainObject, type Doc } from '../query/bson-order.js';
import { findRecords } from '../query/execute.js';
import { applyUpdate, isReplacement, seedFromFilter, type UpdateSpec } from '../query/update.js';
import type { Collection } from '../storage/collection.js';
import type { StoredRecord } from '../storage/secondary-index.js';
import { MAX_BSON_OBJECT_SIZE } from './admin.js';
import { compileProjection } from '../query/projection.js';
import { collectionName, findCollection, optionalDoc, requireArray, type CommandContext, type CommandHandler } from './context.js';

interface WriteError {
  index: number;
  code: number;
  codeName?: string;
  errmsg: string;
  [field: string]: unknown;
}

/** Runs statements in order; an ordered batch stops at its first error, as MongoDB's does. */
function runStatements<T>(statements: T[], ordered: boolean, run: (statement: T) => void): WriteError[] {
  const errors: WriteError[] = [];
  statements.forEach((statement, index) => {
    if (ordered && errors.length > 0) return;
    try {
      run(statement);
    } catch (error) {
      const { ok: _ok, ...details } = toErrorReply(error);
      errors.push({ index, ...(details as { code: number; errmsg: string }) });
    }
  });
  return errors;
}

function withErrors(reply: Doc, errors: WriteError[]): Doc {
  return errors.length > 0 ? { ...reply, writeErrors: errors, ok: 1 } : { ...reply, ok: 1 };
}

function checkDocumentSize(doc: Doc): void {
  const size = calculateObjectSize(doc);
  if (size > MAX_BSON_OBJECT_SIZE) {
    throw new MongoCommandError('BSONObjectTooLarge', `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_OBJECT_SIZE}`);
  }
}

/** MongoDB stores `_id` first, generating an ObjectId when the client sent none. */
function withId(doc: Doc): Doc {
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : idFirst(doc);
}

/** Since MongoDB 5.0 inserts (and upserts) may store `$`-prefixed field names, so only `_id` and size are checked. */
function validateForInsert(doc: Doc): void {
  if (Array.isArray(doc._id)) throw new MongoCommandError('InvalidIdField', `The '_id' value cannot be of type array`);
  checkDocumentSize(doc);
}

const insert: CommandHandler = (command, context) => {
  const collection = context.store.ensureCollection(context.db, collectionName(command));
  let n = 0;
  const errors = runStatements(requireArray(command, 'documents'), command.ordered !== false, (raw) => {
    if (!isPlainObject(raw)) throw new MongoCommandError('TypeMismatch', 'each document must be an object');
    const doc = withId(raw);
    validateForInsert(doc);
    context.store.insert(collection, doc);
    n += 1;
  });
  return withErrors({ n }, errors);
};

interface UpdateOutcome {
  matched: number;
  modified: number;
  upsertedId?: unknown;
}

/** Writes the new version of one document; returns whether it changed. */
function writeUpdate(context: CommandContext, collection: Collection, rec: StoredRecord, update: UpdateSpec, filter: Doc, arrayFilters: Doc[] | undefined): boolean {
  const next = applyUpdate(rec.doc, update, { filter, arrayFilters, isInsert: false });
  checkDocumentSize(next);
  if (isUnchanged(rec.doc, next)) return false;
  context.store.replace(collection, rec, next);
  return true;
}

/** Byte-for-byte comparison of the encodings: exact for every BSON type, field order included. */
function isUnchanged(before: Doc, after: Doc): boolean {
  return Buffer.compare(serialize(before), serialize(after)) === 0;
}

/** Builds and inserts the document an upsert creates when nothing matched. */
function upsert(context: CommandContext, collection: Collection, filter: Doc, update: UpdateSpec, arrayFilters: Doc[] | undefined): Doc {
  const seed = seedFromFilter(filter);
  // A replacement upsert keeps only the filter's `_id`; an operator upsert starts from every equality.
  const base: Doc = isReplacement(update) ? (seed._id !== undefined ? { _id: seed._id } : {}) : seed;
  const built = applyUpdate(base, update, { filter, arrayFilters, isInsert: true });
  const doc = withId(built);
  validateForInsert(doc);
  context.store.insert(collection, doc);
  return doc;
}

function arrayFiltersOf(statement: Doc): Doc[] | undefined {
  return Array.isArray(statement.arrayFilters) ? (statement.arrayFilters as Doc[]) : undefined;
}

function runUpdate(context: CommandContext, name: string, statement: Doc): UpdateOutcome {
  const filter = isPlainObject(statement.q) ? statement.q : {};
  const update = statement.u as UpdateSpec;
  if (!isPlainObject(update) && !Array.isArray(update)) throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
  const isMulti = statement.multi === true;
  if (isMulti && isReplacement(update) && Object.keys(update).length > 0) {
    throw new MongoCommandError('InvalidOptions', 'multi update is not supported for replacement-style update');
  }
  const arrayFilters = arrayFiltersOf(statement);
  const collection = findCollection(context, name);
  const matches = findRecords(collection, { filter, sort: optionalDoc(statement, 'sort'), limit: isMulti ? 0 : 1 });
  if (matches.length === 0 && statement.upsert === true) {
    // Only an upsert creates a missing collection, as in MongoDB; an update that matched nothing leaves none behind.
    const doc = upsert(context, context.store.ensureCollection(context.db, name), filter, update, arrayFilters);
    return { matched: 0, modified: 0, upsertedId: doc._id };
  }
  if (!collection) return { matched: 0, modified: 0 };
  let modified = 0;
  for (const rec of matches) {
    if (writeUpdate(context, collection, rec, update, filter, arrayFilters)) modified += 1;
  }
  return { matched: matches.length, modified };
}

const update: CommandHandler = (command, context) => {
  const name = collectionName(command);
  let n = 0;
  let nModified = 0;
  const upserted: Array<{ index: number; _id: unknown }> = [];
  const statements = requireArray(command, 'updates');
  const errors = runStatements(
    statements.map((statement, index) => ({ statement, index })),
    command.ordered !== false,
    ({ statement, index }) => {
      const outcome = runUpdate(context, name, statement);
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upsertedId !== undefined) {
        n += 1;
        upserted.push({ index, _id: outcome.upsertedId });
      }
    },
  );
  return withErrors({ n, nModified, ...(upserted.length > 0 ? { upserted } : {}) }, errors);
};

const deleteCommand: CommandHandler = (command, context) => {
  const collection = context.store.getCollection(context.db, collectionName(command));
  let n = 0;
  const errors = runStatements(requireArray(command, 'deletes'), command.ordered !== false, (statement) => {
    if (!collection) return;
    const filter = isPlainObject(statement.q) ? statement.q : {};
    const limit = Number(statement.limit ?? 0) === 1 ? 1 : 0;
    for (const rec of findRecords(collection, { filter, limit })) {
      context.store.remove(collection, rec);
      n += 1;
    }
  });
  return withErrors({ n }, errors);
};

const findAndModify: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const collection = findCollection(context, name);
  const filter = optionalDoc(command, 'query') ?? {};
  const projection = optionalDoc(command, 'fields');
  const [rec] = findRecords(collection, { filter, sort: optionalDoc(command, 'sort'), limit: 1 });
  const project = compileProjection(projection, filter);
  const present = (doc: Doc | undefined) => (doc ? project(doc) : null);

  if (command.remove === true) {
    if (command.update !== undefined) throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (!rec || !collection) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    context.store.remove(collection, rec);
    return { lastErrorObject: { n: 1 }, value: present(rec.doc), ok: 1 };
  }

  const update = command.update as UpdateSpec | undefined;
  if (!isPlainObject(update) && !Array.isArray(update)) throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const arrayFilters = arrayFiltersOf(command);
  const returnNew = command.new === true;
  if (!rec || !collection) {
    if (command.upsert !== true) return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    const doc = upsert(context, context.store.ensureCollection(context.db, name), filter, update, arrayFilters);
    return { lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id }, value: returnNew ? present(doc) : null, ok: 1 };
  }
  const before = rec.doc;
  writeUpdate(context, collection, rec, update, filter, arrayFilters);
  return { lastErrorObject: { n: 1, updatedExisting: true }, value: present(returnNew ? rec.doc : before), ok: 1 };
};

export const writeCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: deleteCommand,
  findAndModify,
  findandmodify: findAndModify,
};
