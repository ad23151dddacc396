/**
 * `npm run embedded-mongo -- --port 27018 --dbpath <dir> [--bind_ip 127.0.0.1]`: runs the
 * embedded store alone, so mongosh, Compass or any driver can look inside. Flushes the journal
 * and exits on SIGINT/SIGTERM.
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startEmbeddedMongo } from './index.js';

function createLogger() {
  const level = process.env.LOG_LEVEL ?? 'info';
  if (process.stdout.isTTY) return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true } } });
  return pino({ level });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      dbpath: { type: 'string', default: './data/mongo' },
      bind_ip: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write('usage: embedded-mongo [--port 27017] [--dbpath ./data/mongo] [--bind_ip 127.0.0.1]\n');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a TCP port number, got '${values.port}'`);
  const logger = createLogger();
  const mongo = await startEmbeddedMongo({ dbPath: values.dbpath, port, host: values.bind_ip, logger });
  let isStopping = false;
  const stop = (signal: string) => {
    if (isStopping) return;
    isStopping = true;
    logger.info({ signal }, 'stopping embedded store');
    mongo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'failed to stop cleanly');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded-mongo: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
