/** find, getMore, killCursors, count, distinct and aggregate. */
import { Aggregator } from 'mingo';
import { MongoCommandError } from '../errors.js';
import { compareValues, getPathValues, isPlainObject, type Doc } from '../query/bson-order.js';
import { findDocuments, findRecords } from '../query/execute.js';
import { nonNegativeField } from './cursors.js';
import { explain } from './explain.js';
import { collectionName, findCollection, namespaceOf, numberField, optionalDoc, requireArray, type CommandContext, type CommandHandler } from './context.js';

/** An optional count field of a command (limit, skip): absent is 0, negative is refused. */
function countField(command: Doc, field: string): number {
  const value = command[field];
  return value === undefined || value === null ? 0 : nonNegativeField(field, value);
}

const find: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const filter = optionalDoc(command, 'filter') ?? {};
  const docs = findDocuments(findCollection(context, name), {
    filter,
    sort: optionalDoc(command, 'sort'),
    skip: countField(command, 'skip'),
    limit: countField(command, 'limit'),
  });
  return context.cursors.start(namespaceOf(context, name), docs, {
    batchSize: command.batchSize,
    projection: command.projection,
    filter,
    singleBatch: command.singleBatch,
    noCursorTimeout: command.noCursorTimeout,
  });
};

const getMore: CommandHandler = (command, context) => {
  const name = typeof command.collection === 'string' ? command.collection : '';
  return context.cursors.getMore(command.getMore, namespaceOf(context, name), command.batchSize);
};

const killCursors: CommandHandler = (command, context) => {
  const ids = Array.isArray(command.cursors) ? command.cursors : [];
  const { killed, notFound } = context.cursors.kill(ids);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
};

const count: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const collection = findCollection(context, name);
  const query = optionalDoc(command, 'query') ?? {};
  const skip = numberField(command, 'skip');
  const limit = Math.abs(numberField(command, 'limit'));
  if (collection && Object.keys(query).length === 0) {
    const total = Math.max(0, collection.count - skip);
    return { n: limit > 0 ? Math.min(limit, total) : total, ok: 1 };
  }
  return { n: findRecords(collection, { filter: query, skip, limit }).length, ok: 1 };
};

const distinct: CommandHandler = (command, context) => {
  const name = collectionName(command);
  const key = command.key;
  if (typeof key !== 'string') throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' is missing or is not a string");
  const docs = findDocuments(findCollection(context, name), { filter: optionalDoc(command, 'query') ?? {} }, { keepDecodedUpTo: 0 });
  const values = docs.flatMap((doc) => getPathValues(doc, key)).filter((value) => value !== undefined);
  values.sort(compareValues);
  return { values: values.filter((value, i) => i === 0 || compareValues(value, values[i - 1]) !== 0), ok: 1 };
};

const UNSUPPORTED_STAGES = new Set(['$out', '$merge', '$changeStream', '$currentOp', '$listSessions', '$collStats', '$indexStats', '$search']);

/**
 * Documents feeding a pipeline: a leading `$match` is served by the planner (an index instead of
 * a scan); the stage stays in the pipeline, so mingo re-applies it, which is harmless. Later
 * `$sort`/`$limit` stages run in mingo.
 */
function pipelineSource(context: CommandContext, name: string, pipeline: Doc[]): Doc[] {
  const collection = findCollection(context, name);
  const first = pipeline[0];
  const filter = first && isPlainObject(first.$match) ? first.$match : {};
  return findDocuments(collection, { filter }, { keepDecodedUpTo: 0 });
}

const aggregate: CommandHandler = (command, context) => {
  const pipeline = requireArray(command, 'pipeline');
  for (const stage of pipeline) {
    const [operator] = Object.keys(stage);
    if (operator && UNSUPPORTED_STAGES.has(operator)) {
      throw new MongoCommandError('NotImplemented', `${operator} is not supported by the embedded store`);
    }
  }
  if (command.aggregate === 1) {
    throw new MongoCommandError('InvalidNamespace', 'collection-less aggregate is not supported by the embedded store');
  }
  const name = collectionName(command);
  if (command.explain === true) {
    // `aggregate` carries explain as a flag rather than inside an `explain` command.
    const { explain: _flag, ...inner } = command;
    return explain({ explain: inner, verbosity: 'queryPlanner' }, context);
  }
  if (!isPlainObject(command.cursor)) {
    throw new MongoCommandError('FailedToParse', "The 'cursor' option is required, except for aggregate with the explain argument");
  }
  const source = pipelineSource(context, name, pipeline);
  const aggregator = new Aggregator(pipeline, {
    collectionResolver: (other) => findDocuments(findCollection(context, other), {}, { keepDecodedUpTo: 0 }),
    variables: isPlainObject(command.let) ? command.let : {},
  });
  const results = aggregator.run(source) as Doc[];
  return context.cursors.start(namespaceOf(context, name), results, { batchSize: command.cursor.batchSize });
};

export const readCommands: Record<string, CommandHandler> = {
  find,
  getMore,
  killCursors,
  count,
  distinct,
  aggregate,
};
