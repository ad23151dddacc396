/**
 * The server process: the only place that reads the environment, connects to the stores and
 * listens. `npm start` runs it after building; with nothing configured everything runs embedded.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { createApp, type App } from './app.js';
import { startEmbeddedMongo } from './embedded-mongo/index.js';
import { ConfigError, loadConfig, type AppConfig } from './config/config.js';
import type { LiveStateStore } from './live-state/live-state-store.js';
import { createMemoryLiveState } from './live-state/memory-live-state.js';
import { createRedisLiveState } from './live-state/redis-live-state.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { systemClock } from './platform/clock.js';
import { startBanner } from './platform/start-banner.js';
import type { AppTelephony } from './platform/telephony-port.js';
import { seedDemoData } from './seed/seed.js';
import { startTelephony } from './telephony/index.js';
import { startLeaseKeeper } from './live-state/lease-keeper.js';

function readConfig(): AppConfig {
  try {
    return loadConfig(process.env, { cwd: process.cwd(), isTty: Boolean(process.stdout.isTTY) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nThe server did not start. Fix the variables above and try again.\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.log);
  const cleanups: Array<{ name: string; run: () => Promise<void> | void }> = [];
  let app: App | null = null;

  let shuttingDown = false;
  const shutdown = async (reason: string, exitCode = 0) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ reason }, 'Shutting down: no new connections, closing sockets, flushing the store');
    const forceExit = setTimeout(() => {
      logger.error('Shutdown took longer than 15 s; exiting anyway');
      process.exit(1);
    }, 15_000);
    forceExit.unref();
    if (app) await app.close().catch((error: unknown) => logger.warn({ err: error }, 'Closing the HTTP/Socket.IO server failed'));
    for (const { name, run } of cleanups.reverse()) {
      try {
        await run();
      } catch (error) {
        logger.warn({ err: error, step: name }, 'A shutdown step failed');
      }
    }
    logger.info('Stopped');
    // pino flushes synchronously to stdout for JSON; give the pretty transport a moment.
    setTimeout(() => process.exit(exitCode), 50);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => {
    if (shuttingDown) process.exit(130);
    void shutdown('SIGINT');
  });
  // A bug must not take calls down silently: log it; a thrown exception leaves the process in an
  // unknown state, so shut down cleanly (the supervisor/orchestrator restarts us).
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'Unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'Uncaught exception; shutting down');
    void shutdown('uncaught exception', 1);
  });

  try {
    await mkdir(config.dataDir, { recursive: true });

    // 1. Document store: a real MongoDB, or the embedded one persisted under DATA_DIR.
    let mongoUrl = config.mongo.url;
    if (mongoUrl === null) {
      const dbPath = join(config.dataDir, 'mongo');
      await mkdir(dbPath, { recursive: true });
      const embedded = await startEmbeddedMongo({ dbPath, port: 0, host: '127.0.0.1', logger });
      cleanups.push({ name: 'embedded store', run: () => embedded.close() });
      mongoUrl = embedded.url;
    }
    const connection = mongoose.createConnection(mongoUrl, { dbName: config.mongo.dbName, serverSelectionTimeoutMS: 15_000 });
    cleanups.push({ name: 'mongoose', run: () => connection.close() });
    await connection.asPromise();

    // 2. Live state: memory for one instance, Redis when several share it.
    const liveState: LiveStateStore = config.redis.url
      ? createRedisLiveState({ url: config.redis.url })
      : createMemoryLiveState();
    cleanups.push({ name: 'live state', run: () => liveState.close() });

    // 3. Demo data into an empty database (before telephony: the simulator's callers are the demo contacts).
    let isSeeded = false;
    if (config.seedDemo) {
      const result = await seedDemoData({ connection, logger, clock: systemClock });
      isSeeded = result.seeded;
    }

    // 4. Telephony: a real Asterisk (AMI_HOST) or the built-in PBX simulator. With Redis, several
    //    instances share the work and only the holder of the AMI lease connects.
    const metrics = createMetrics();
    const started = await startTelephony({
      ami: config.ami,
      defaultCountry: config.company.defaultCountry,
      connection,
      logger,
      clock: systemClock,
      // AMI counters reach /metrics through createApp (trackTelephonyMetrics), not here.
      autoStart: config.redis.url === null,
    });
    // Closes before live state and mongoose (cleanups run in reverse), so call records are flushed.
    cleanups.push({ name: 'telephony', run: () => started.close() });
    if (config.redis.url !== null) {
      const keeper = startLeaseKeeper({
        store: liveState,
        name: 'ami-connection',
        onAcquired: () => started.telephony.start(),
        onLost: () => started.telephony.stop(),
        logger,
      });
      cleanups.push({ name: 'AMI lease', run: () => keeper.stop() });
    }
    const telephony: AppTelephony = started.telephony;
    const amiTarget = started.amiTarget;

    app = await createApp({ config, connection, liveState, telephony, clock: systemClock, logger, metrics });

    // 5. Listen.
    const { httpServer } = app;
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        resolve();
      });
    });
    const address = httpServer.address();
    const port = typeof address === 'object' && address ? address.port : config.http.port;
    const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? 'localhost' : config.http.host;
    logger.info(startBanner({ config, url: `http://${host}:${port}`, mongoUrl, amiTarget, isSeeded }));
  } catch (error) {
    const isPortTaken = (error as { code?: string }).code === 'EADDRINUSE';
    logger.fatal(
      { err: error },
      isPortTaken ? `Port ${config.http.port} is already in use; set PORT to another port` : 'The server could not start',
    );
    await shutdown('start failed', 1);
  }
}

void main();
