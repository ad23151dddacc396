import { pino, type Logger } from 'pino';
import type { AppConfig } from '../config/config.js';

export type { Logger } from 'pino';

/** JSON logs for machines; pino-pretty when a person watches a terminal. */
export function createLogger(log: AppConfig['log']): Logger {
  return pino({
    level: log.level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password'], censor: '[redacted]' },
    ...(log.pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } } }
      : {}),
  });
}

/** A logger that drops everything (tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
