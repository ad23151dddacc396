/**
 * `explain` for find, count, distinct, delete, update, findAndModify and aggregate: the plan
 * the store runs, in MongoDB's queryPlanner / executionStats shape (IDHACK, IXSCAN under FETCH,
 * COLLSCAN, SORT), so tools and tests can see that a lookup used an index and did not scan.
 */
import { MongoCommandError } from '../errors.js';
import { isPlainObject, type Doc } from '../query/bson-order.js';
import { findRecords, type ExecutionStats } from '../query/execute.js';
import type { Plan } from '../query/planner.js';
import { SERVER_VERSION } from './admin.js';
import { collectionName, findCollection, namespaceOf, numberField, type CommandHandler } from './context.js';

interface Shape {
  filter: Doc;
  sort?: Doc | undefined;
  skip?: number;
  limit?: number;
}

/** The query part of each explainable command. */
function shapeOf(command: Doc): Shape {
  const name = Object.keys(command)[0];
  const docOr = (value: unknown) => (isPlainObject(value) ? value : undefined);
  switch (name) {
    case 'find':
      return { filter: docOr(command.filter) ?? {}, sort: docOr(command.sort), skip: numberField(command, 'skip'), limit: Math.abs(numberField(command, 'limit')) };
    case 'count':
      return { filter: docOr(command.query) ?? {}, skip: numberField(command, 'skip'), limit: Math.abs(numberField(command, 'limit')) };
    case 'distinct':
      return { filter: docOr(command.query) ?? {} };
    case 'findAndModify':
    case 'findandmodify':
      return { filter: docOr(command.query) ?? {}, sort: docOr(command.sort), limit: 1 };
    case 'delete':
    case 'update': {
      const statements = (command[name === 'delete' ? 'deletes' : 'updates'] as Doc[] | undefined) ?? [];
      const first = statements[0] ?? {};
      const isSingle = name === 'delete' ? Number(first.limit) === 1 : first.multi !== true;
      return { filter: docOr(first.q) ?? {}, limit: isSingle ? 1 : 0 };
    }
    case 'aggregate': {
      const pipeline = Array.isArray(command.pipeline) ? (command.pipeline as Doc[]) : [];
      return { filter: docOr(pipeline[0]?.$match) ?? {} };
    }
    default:
      throw new MongoCommandError('IllegalOperation', `Explain for the command '${String(name)}' is not supported by the embedded store`);
  }
}

function planStage(plan: Plan | undefined): Doc {
  if (!plan || plan.kind === 'collection') return { stage: 'COLLSCAN', direction: 'forward' };
  if (plan.kind === 'id') return { stage: 'IDHACK' };
  if (plan.kind === 'or') return { stage: 'FETCH', inputStage: { stage: 'OR', inputStages: plan.plans.map(planStage) } };
  if (plan.kind === 'and') return { stage: 'FETCH', inputStage: { stage: 'AND_HASH', inputStages: plan.plans.map(planStage) } };
  const { index } = plan;
  return {
    stage: 'FETCH',
    inputStage: {
      stage: 'IXSCAN',
      keyPattern: index.spec.key,
      indexName: index.name,
      isMultiKey: index.isMultikey,
      isUnique: index.isUnique,
      isSparse: index.spec.sparse === true,
      isPartial: index.spec.partialFilterExpression !== undefined,
      direction: plan.reverse ? 'backward' : 'forward',
    },
  };
}

export const explain: CommandHandler = (command, context) => {
  const inner = command.explain;
  if (!isPlainObject(inner)) throw new MongoCommandError('FailedToParse', 'explain command requires a nested object');
  const name = collectionName(inner);
  const shape = shapeOf(inner);
  const stats: ExecutionStats = { plan: undefined, sortedInMemory: false, docsExamined: 0, nReturned: 0 };
  const started = Date.now();
  findRecords(findCollection(context, name), shape, stats);
  const access = planStage(stats.plan);
  const winningPlan = stats.sortedInMemory ? { stage: 'SORT', sortPattern: shape.sort, inputStage: access } : access;
  const verbosity = typeof command.verbosity === 'string' ? command.verbosity : 'allPlansExecution';
  const keysExamined = stats.plan && stats.plan.kind !== 'collection' ? stats.docsExamined : 0;
  return {
    explainVersion: '1',
    queryPlanner: { namespace: namespaceOf(context, name), parsedQuery: shape.filter, winningPlan, rejectedPlans: [] },
    ...(verbosity === 'queryPlanner'
      ? {}
      : {
          executionStats: {
            executionSuccess: true,
            nReturned: stats.nReturned,
            executionTimeMillis: Date.now() - started,
            totalKeysExamined: keysExamined,
            totalDocsExamined: stats.docsExamined,
          },
        }),
    command: inner,
    serverInfo: { host: context.server.host, port: context.server.port, version: SERVER_VERSION },
    ok: 1,
  };
};
