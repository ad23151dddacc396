/**
 * The embedded MongoDB-wire-compatible store: the product's default database when MONGO_URL is
 * not set. mongoose and any MongoDB driver talk to it over TCP with a normal mongodb:// URL.
 */
import pino, { type Logger } from 'pino';
import { CursorRegistry } from './commands/cursors.js';
import { watchStalls } from './stall-watch.js';
import { openStorage } from './storage/storage.js';
import { WireServer } from './wire/server.js';

export interface EmbeddedMongoOptions {
  /** Directory holding the journal and snapshots; created when missing. */
  dbPath: string;
  /** TCP port; 0 picks a free one. Default 27017. */
  port?: number;
  /** Interface to bind; default 127.0.0.1 (the store has no authentication). */
  host?: string;
  logger?: Logger;
  /** How often expired TTL documents are removed (MongoDB: 60 s). */
  ttlMonitorIntervalMs?: number;
}

export interface EmbeddedMongo {
  /** `mongodb://<host>:<port>` — append `/<db>` for mongoose. */
  url: string;
  port: number;
  /** Stops accepting connections, flushes and fsyncs the journal, releases the lock. */
  close(): Promise<void>;
  isUp(): boolean;
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions): Promise<EmbeddedMongo> {
  const { dbPath, port = 27017, host = '127.0.0.1' } = options;
  const logger = (options.logger ?? pino({ level: 'info' })).child({ component: 'embedded-mongo' });
  const storage = await openStorage({ dbPath, logger, ttlMonitorIntervalMs: options.ttlMonitorIntervalMs ?? 60_000 });
  const cursors = new CursorRegistry();
  const startedAt = new Date();
  const serverInfo = { startedAt, host, port };
  const wire = new WireServer({ store: storage.store, cursors, durability: storage, logger, server: serverInfo });
  let boundPort: number;
  try {
    boundPort = await wire.listen(port, host);
  } catch (error) {
    await storage.close();
    throw error;
  }
  serverInfo.port = boundPort;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `mongodb://${urlHost}:${boundPort}`;
  logger.info({ url, dbPath }, 'embedded MongoDB-compatible store listening');
  const stopWatchingStalls = watchStalls(logger);
  let isClosed = false;
  return {
    url,
    port: boundPort,
    isUp: () => !isClosed && wire.isListening,
    async close() {
      if (isClosed) return;
      isClosed = true;
      stopWatchingStalls();
      await wire.close();
      await storage.close();
      logger.info('embedded store stopped');
    },
  };
}
