/** What every command handler gets, and small helpers for reading command fields. */
import type { Logger } from 'pino';
import { MongoCommandError } from '../errors.js';
import { isPlainObject, type Doc } from '../query/bson-order.js';
import type { Collection } from '../storage/collection.js';
import type { Store } from '../storage/store.js';
import type { CursorRegistry } from './cursors.js';

export interface ServerInfo {
  startedAt: Date;
  host: string;
  port: number;
}

export interface CommandContext {
  store: Store;
  cursors: CursorRegistry;
  server: ServerInfo;
  db: string;
  connectionId: number;
  logger: Logger;
}

/** Most handlers answer synchronously; long writes return a promise (they yield between documents). */
export type CommandHandler = (command: Doc, context: CommandContext) => Doc | Promise<Doc>;

/** The collection name a command targets (the value of its first field). */
export function collectionName(command: Doc): string {
  const [value] = Object.values(command);
  if (typeof value !== 'string' || value.length === 0) {
    const name = Object.keys(command)[0] ?? '';
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof value} for command ${name}`);
  }
  return value;
}

export function namespaceOf(context: CommandContext, collection: string): string {
  return `${context.db}.${collection}`;
}

export function optionalDoc(command: Doc, field: string): Doc | undefined {
  const value = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value)) {
    throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is the wrong type '${Array.isArray(value) ? 'array' : typeof value}', expected type 'object'`);
  }
  return value;
}

export function requireArray(command: Doc, field: string): Doc[] {
  const value = command[field];
  if (!Array.isArray(value)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' is missing or is not an array`);
  return value as Doc[];
}

export function numberField(command: Doc, field: string, fallback = 0): number {
  const value = command[field];
  if (value === undefined || value === null) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new MongoCommandError('TypeMismatch', `BSON field '${field}' must be a number`);
  return number;
}

export function findCollection(context: CommandContext, name: string): Collection | undefined {
  return context.store.getCollection(context.db, name);
}
