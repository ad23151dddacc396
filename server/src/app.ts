import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Connection } from 'mongoose';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { attachSession } from './auth/require-auth.js';
import { createSessionService } from './auth/session-service.js';
import type { AppConfig } from './config/config.js';
import { consolesRouter } from './http/consoles.js';
import { apiNotFound, errorMiddleware } from './http/error-middleware.js';
import type { LiveStateStore } from './live-state/live-state-store.js';
import { checkHealth } from './observability/health.js';
import { createMetrics, type AppMetrics } from './observability/metrics.js';
import { trackTelephonyMetrics } from './observability/telephony-metrics.js';
import type { AppContext } from './platform/app-context.js';
import { systemClock, type Clock } from './platform/clock.js';
import type { AppTelephony } from './platform/telephony-port.js';
import { createRealtime, type AppServer } from './realtime/realtime.js';
import { domainRouters, domainSocketHandlers, startDomains } from './routes.js';
import { createUserRepository } from './users/user.repository.js';

export type { AppContext } from './platform/app-context.js';

export interface AppDeps {
  config: AppConfig;
  /** A connection made with `mongoose.createConnection` (never the global one). */
  connection: Connection;
  liveState: LiveStateStore;
  /** Null until telephony is wired in; /healthz then reports AMI as down. */
  telephony?: AppTelephony | null;
  clock?: Clock;
  logger: Logger;
  /** How /healthz describes the store; by default embedded when config.mongo.url is null. */
  mongoMode?: 'embedded' | 'external';
  /** Per-app metrics; created when omitted. */
  metrics?: AppMetrics;
  /** Where the built consoles live; defaults to agent-console/dist and supervisor-dashboard/dist. */
  consoles?: { agentConsoleDir: string; supervisorDashboardDir: string };
}

export interface App {
  app: Express;
  httpServer: HttpServer;
  io: AppServer;
  context: AppContext;
  /** Stops accepting, closes sockets and the HTTP server, runs domain cleanups. Idempotent. */
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEFAULT_CONSOLES = {
  agentConsoleDir: `${REPO_ROOT}agent-console/dist`,
  supervisorDashboardDir: `${REPO_ROOT}supervisor-dashboard/dist`,
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Route label for metrics: the matched pattern, never the raw URL (ids would explode cardinality). */
function routeLabel(req: express.Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  if (req.originalUrl.startsWith('/api/')) return 'unmatched-api';
  return 'static';
}

/**
 * Builds Express 5 + Socket.IO from injected parts. Nothing here reads the environment or
 * listens: `main.ts` (or a test) calls `httpServer.listen(port)`.
 */
export async function createApp(deps: AppDeps): Promise<App> {
  const { config, connection, liveState, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const telephony = deps.telephony ?? null;
  const metrics = deps.metrics ?? createMetrics();
  const mongoMode = deps.mongoMode ?? (config.mongo.url === null ? 'embedded' : 'external');
  const closers: Array<() => Promise<void> | void> = [];

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy);
  const httpServer = createServer(app);

  const users = createUserRepository(connection);
  const sessions = createSessionService({ connection, users, clock, ttlHours: config.auth.sessionTtlHours });
  const realtime = createRealtime({
    httpServer,
    sessions,
    logger,
    metrics,
    redisUrl: config.redis.url,
    sessionRecheckMs: config.realtime.sessionRecheckMs,
    hasPhoneControl: () => telephony?.health().mode === 'simulator',
  });

  const context: AppContext = {
    config,
    connection,
    logger,
    clock,
    liveState,
    telephony,
    realtime,
    metrics,
    users,
    sessions,
    onClose: (fn) => {
      closers.push(fn);
    },
  };

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      serializers: {
        req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      // Health checks and metric scrapes every few seconds would drown the log.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  });
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Served over plain HTTP on a LAN too; upgrading requests would break that.
          upgradeInsecureRequests: null,
          'connect-src': ["'self'", 'ws:', 'wss:'],
        },
      },
      strictTransportSecurity: false,
    }),
  );

  app.get('/healthz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await checkHealth({ connection, mongoMode, liveState, telephony, config }));
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });

  app.use('/api', express.json({ limit: config.http.bodyLimit }), cookieParser(), attachSession(sessions));
  for (const { path, router } of domainRouters(context)) app.use(path, router);
  app.use('/api', apiNotFound);

  app.use(consolesRouter(deps.consoles ?? DEFAULT_CONSOLES));
  app.use(errorMiddleware(logger));

  if (telephony) closers.push(trackTelephonyMetrics(telephony, metrics));
  for (const register of domainSocketHandlers(context)) realtime.onConnection(register);
  await startDomains(context);

  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      // Stop accepting first, then drop the sockets, then let domains stop their work.
      const serverClosed = new Promise<void>((resolve) => {
        if (!httpServer.listening) return resolve();
        httpServer.close(() => resolve());
      });
      await realtime.close();
      httpServer.closeIdleConnections();
      // Requests still running get a moment to finish; then their connections are cut.
      const forceTimer = setTimeout(() => httpServer.closeAllConnections(), 5_000);
      await serverClosed;
      clearTimeout(forceTimer);
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch (error) {
          logger.warn({ err: error }, 'A cleanup step failed while closing');
        }
      }
    })();
    return closing;
  };

  return { app, httpServer, io: realtime.io, context, close };
}
