/**
 * insert, update, delete and findAndModify. Each document's write runs synchronously from reading
 * it to swapping in the new version, so no other client's write can interleave: that is what
 * makes single-document writes and findAndModify atomic. Batches yield between documents.
 */
import { calculateObjectSize, ObjectId, serialize } from 'bson';
import { MongoCommandError, toErrorReply } from '../errors.js';
import { idFirst, isPlainObject, type Doc } from '../query/bson-order.js';
import { compileFilter, findRecords } from '../query/execute.js';
import { applyUpdate, isReplacement, seedFromFilter, type UpdateSpec } from '../query/update.js';
import type { Collection } from '../storage/collection.js';
import type { StoredRecord } from '../storage/secondary-index.js';
import { MAX_BSON_OBJECT_SIZE } from './admin.js';
import { compileProjection } from '../query/projection.js';
import { collectionName, findCollection, optionalDoc, requireArray, type CommandContext, type CommandHandler } from './context.js';
import { TimeSlices } from '../time-slices.js';

interface WriteError {
  index: number;
  code: number;
  codeName?: string;
  errmsg: string;
  [field: string]: unknown;
}

/**
 * Runs statements in order; an ordered batch stops at its first error, as MongoDB's does. Between
 * documents the batch may yield to other clients (see TimeSlices), never inside one document's write.
 */
async function runStatements<T>(statements: T[], ordered: boolean, run: (statement: T, slices: TimeSlices) => void | Promise<void>): Promise<WriteError[]> {
  const errors: WriteError[] = [];
  const slices = new TimeSlices();
  for (const [index, statement] of statements.entries()) {
    if (ordered && errors.length > 0) break;
    try {
      await run(statement, slices);
    } catch (error) {
      const { ok: _ok, ...details } = toErrorReply(error);
      errors.push({ index, ...(details as { code: number; errmsg: string }) });
    }
    await slices.pause();
  }
  return errors;
}

/**
 * After a yield, a record matched before it may have been deleted, or changed so that it no
 * longer matches: MongoDB re-checks a document after yielding, and so does this.
 */
function stillMatches(collection: Collection, rec: StoredRecord, matches: (doc: Doc) => boolean): boolean {
  return collection.getById(rec.doc._id) === rec && matches(rec.doc);
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

const insert: CommandHandler = async (command, context) => {
  const name = collectionName(command);
  let n = 0;
  const errors = await runStatements(requireArray(command, 'documents'), command.ordered !== false, (raw) => {
    if (!isPlainObject(raw)) throw new MongoCommandError('TypeMismatch', 'each document must be an object');
    const doc = withId(raw);
    validateForInsert(doc);
    // Looked up per document: another client may have dropped the collection while this batch yielded.
    context.store.insert(context.store.ensureCollection(context.db, name), doc);
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

async function runUpdate(context: CommandContext, name: string, statement: Doc, slices: TimeSlices): Promise<UpdateOutcome> {
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
  let matched = 0;
  let modified = 0;
  let matchesNow: ((doc: Doc) => boolean) | undefined;
  for (const rec of matches) {
    if (matchesNow && !stillMatches(collection, rec, matchesNow)) continue;
    matched += 1;
    if (writeUpdate(context, collection, rec, update, filter, arrayFilters)) modified += 1;
    if (await slices.pause()) {
      if (findCollection(context, name) !== collection) break;
      matchesNow ??= compileFilter(filter);
    }
  }
  return { matched, modified };
}

const update: CommandHandler = async (command, context) => {
  const name = collectionName(command);
  let n = 0;
  let nModified = 0;
  const upserted: Array<{ index: number; _id: unknown }> = [];
  const statements = requireArray(command, 'updates');
  const errors = await runStatements(
    statements.map((statement, index) => ({ statement, index })),
    command.ordered !== false,
    async ({ statement, index }, slices) => {
      const outcome = await runUpdate(context, name, statement, slices);
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

const deleteCommand: CommandHandler = async (command, context) => {
  const name = collectionName(command);
  let n = 0;
  const errors = await runStatements(requireArray(command, 'deletes'), command.ordered !== false, async (statement, slices) => {
    const collection = findCollection(context, name);
    if (!collection) return;
    const filter = isPlainObject(statement.q) ? statement.q : {};
    const limit = Number(statement.limit ?? 0) === 1 ? 1 : 0;
    let matchesNow: ((doc: Doc) => boolean) | undefined;
    for (const rec of findRecords(collection, { filter, limit })) {
      if (matchesNow && !stillMatches(collection, rec, matchesNow)) continue;
      context.store.remove(collection, rec);
      n += 1;
      if (await slices.pause()) {
        if (findCollection(context, name) !== collection) break;
        matchesNow ??= compileFilter(filter);
      }
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
