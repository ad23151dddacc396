/**
 * Routes a decoded command to its handler and shapes the reply. Handlers are synchronous except
 * long writes, which yield between documents; the other wait is for the journal (`j: true`).
 */
import { MongoCommandError, toErrorReply } from '../errors.js';
import type { Doc } from '../query/bson-order.js';
import { adminCommands } from './admin.js';
import { catalogCommands } from './catalog.js';
import { explain } from './explain.js';
import type { CommandContext, CommandHandler } from './context.js';
import { readCommands } from './read.js';
import { writeCommands } from './write.js';

const handlers: Record<string, CommandHandler> = {
  ...adminCommands,
  ...catalogCommands,
  ...readCommands,
  ...writeCommands,
  explain,
};

export const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify', 'findandmodify', 'create', 'drop', 'dropDatabase', 'createIndexes', 'dropIndexes', 'renameCollection']);

export function commandNameOf(command: Doc): string {
  return Object.keys(command)[0] ?? '';
}

/** Runs one command; never throws or rejects: failures become `{ ok: 0, code, codeName, errmsg }`. */
export function runCommand(command: Doc, context: CommandContext): Doc | Promise<Doc> {
  const name = commandNameOf(command);
  const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
  if (!handler) {
    return toErrorReply(new MongoCommandError('CommandNotFound', `no such command: '${name}'`));
  }
  if (command.txnNumber !== undefined) {
    // As a standalone MongoDB does: transactions and retryable writes need a replica set.
    return toErrorReply(new MongoCommandError('IllegalOperation', 'Transaction numbers are only allowed on a replica set member or mongos'));
  }
  const failed = (error: unknown): Doc => {
    if (!(error instanceof MongoCommandError)) context.logger.debug({ err: error, command: name }, 'command failed');
    return toErrorReply(error);
  };
  const started = performance.now();
  try {
    const reply = handler(command, context);
    const busy = performance.now() - started;
    if (reply instanceof Promise) {
      return reply.catch(failed).finally(() => reportSlow(command, name, busy, performance.now() - started, context));
    }
    reportSlow(command, name, busy, busy, context);
    return reply;
  } catch (error) {
    return failed(error);
  }
}

/** As MongoDB's `slowms`: a command over this is logged (here it also holds every other client up). */
const SLOW_COMMAND_MS = 100;

/** Logs a slow command: what it was and on which collection (no values), how long it kept the store busy. */
function reportSlow(command: Doc, name: string, busyMs: number, totalMs: number, context: CommandContext): void {
  if (totalMs < SLOW_COMMAND_MS) return;
  const target = command[name];
  const filter = (command.filter ?? command.query ?? (Array.isArray(command.updates) ? (command.updates[0] as Doc | undefined)?.q : undefined)) as Doc | undefined;
  context.logger.warn(
    {
      command: name,
      ns: typeof target === 'string' ? `${String(command.$db ?? '')}.${target}` : undefined,
      filterFields: filter && typeof filter === 'object' ? Object.keys(filter) : undefined,
      busyMs: Math.round(busyMs),
      ms: Math.round(totalMs),
    },
    'slow command',
  );
}

/** Whether the client asked to wait until the write is on disk (`j: true`, or `fsync`). */
export function wantsJournalAck(command: Doc): boolean {
  if (commandNameOf(command) === 'fsync') return true;
  const concern = command.writeConcern as { j?: unknown; fsync?: unknown; w?: unknown } | undefined;
  if (!concern || !WRITE_COMMANDS.has(commandNameOf(command))) return false;
  // `w: 'majority'` implies journaling on MongoDB (writeConcernMajorityJournalDefault).
  return concern.j === true || concern.fsync === true || (concern.w === 'majority' && concern.j !== false);
}
