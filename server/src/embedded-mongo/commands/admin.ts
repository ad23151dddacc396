/**
 * Handshake and server-level commands. The store answers as a standalone MongoDB 7.0 (wire
 * version 21) without compression, authentication, sessions-based transactions or replication.
 */
import os from 'node:os';
import { MongoCommandError } from '../errors.js';
import { MAX_MESSAGE_SIZE_BYTES } from '../wire/message-reader.js';
import type { CommandContext, CommandHandler } from './context.js';

export const SERVER_VERSION = '7.0.0';
export const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_WRITE_BATCH_SIZE = 100_000;

function helloReply(context: CommandContext, legacy: boolean, helloOk: boolean) {
  return {
    ...(helloOk ? { helloOk: true } : {}),
    ...(legacy ? { ismaster: true } : { isWritablePrimary: true }),
    // No topologyVersion: with one, drivers switch to streaming (exhaust) hello monitoring,
    // which this store does not implement; without it they poll, as with MongoDB before 4.4.
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE_BYTES,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

const hello: CommandHandler = (_command, context) => helloReply(context, false, true);
const isMaster: CommandHandler = (command, context) => helloReply(context, true, command.helloOk === true);

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'crm-embedded-store',
  versionArray: [7, 0, 0, 0],
  bits: 64,
  debug: false,
  maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
  javascriptEngine: 'none',
  storageEngines: ['crm-embedded'],
  modules: [],
  ok: 1,
});

const PARAMETERS: Record<string, unknown> = {
  featureCompatibilityVersion: { version: '7.0' },
  authenticationMechanisms: [],
  maxBSONDepth: 200,
  notablescan: false,
};

const getParameter: CommandHandler = (command) => {
  const reply: Record<string, unknown> = {};
  const wantsAll = command.getParameter === '*' || (typeof command.getParameter === 'object' && command.getParameter !== null);
  for (const [name, value] of Object.entries(PARAMETERS)) {
    if (wantsAll || name in command) reply[name] = value;
  }
  if (Object.keys(reply).length === 0) throw new MongoCommandError('InvalidOptions', 'no option found to get');
  return { ...reply, ok: 1 };
};

const listDatabases: CommandHandler = (command, context) => {
  const databases = [...context.store.databases.entries()].map(([name, collections]) => {
    let size = 0;
    for (const collection of collections.values()) size += collection.count * 256;
    return { name, sizeOnDisk: size, empty: size === 0 };
  });
  if (command.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
  return { databases, totalSize: databases.reduce((sum, db) => sum + db.sizeOnDisk, 0), totalSizeMb: 0, ok: 1 };
};

const serverStatus: CommandHandler = (_command, context) => {
  const uptimeMillis = Date.now() - context.server.startedAt.getTime();
  return {
    host: `${os.hostname()}:${context.server.port}`,
    version: SERVER_VERSION,
    process: 'mongod',
    pid: process.pid,
    uptime: Math.floor(uptimeMillis / 1000),
    uptimeMillis,
    localTime: new Date(),
    mem: { resident: Math.round(process.memoryUsage().rss / 1024 / 1024), bits: 64 },
    ok: 1,
  };
};

const dbStats: CommandHandler = (_command, context) => {
  const collections = [...(context.store.databases.get(context.db)?.values() ?? [])];
  let objects = 0;
  let dataSize = 0;
  let indexes = 0;
  for (const collection of collections) {
    objects += collection.count;
    indexes += collection.indexes.size + 1;
    for (const rec of collection.byId.values()) dataSize += rec.encodedSize;
  }
  return {
    db: context.db,
    collections: collections.length,
    views: 0,
    objects,
    avgObjSize: objects > 0 ? dataSize / objects : 0,
    dataSize,
    storageSize: dataSize,
    indexes,
    indexSize: 0,
    ok: 1,
  };
};

export const adminCommands: Record<string, CommandHandler> = {
  hello,
  isMaster,
  ismaster: isMaster,
  buildInfo,
  buildinfo: buildInfo,
  ping: () => ({ ok: 1 }),
  getParameter,
  endSessions: () => ({ ok: 1 }),
  // The wait for the journal's fsync happens in the server loop (see wantsJournalAck).
  fsync: () => ({ numFiles: 1, ok: 1 }),
  killAllSessions: () => ({ ok: 1 }),
  listDatabases,
  serverStatus,
  dbStats,
  whatsmyuri: () => ({ you: '127.0.0.1', ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  getCmdLineOpts: () => ({ argv: process.argv.slice(1), parsed: {}, ok: 1 }),
  hostInfo: () => ({ system: { hostname: os.hostname(), numCores: os.cpus().length, memSizeMB: Math.round(os.totalmem() / 1024 / 1024) }, os: { type: os.type() }, extra: {}, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
};
