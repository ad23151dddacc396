import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { User } from '@crm/shared';
import { createApp, type App, type AppContext } from '../../server/src/app.js';
import { testConfig, type AppConfig, type DeepPartial } from '../../server/src/config/config.js';
import type { LiveStateStore } from '../../server/src/live-state/live-state-store.js';
import { createMemoryLiveState } from '../../server/src/live-state/memory-live-state.js';
import { silentLogger } from '../../server/src/observability/logger.js';
import type { Clock } from '../../server/src/platform/clock.js';
import type { AppTelephony } from '../../server/src/platform/telephony-port.js';
import { DEMO_SEEDERS, seedDemoData, type Seeder } from '../../server/src/seed/seed.js';
import { startTestMongo } from './mongo.js';

export interface TestAppOptions {
  /** Overrides on top of the test configuration (embedded mode, port 0, silent logs). */
  config?: DeepPartial<AppConfig>;
  /** Seed demo users and queues (default true), or run exactly these seeders. */
  seed?: boolean | Seeder[];
  clock?: Clock;
  /**
   * Telephony for the app: an instance the test manages itself, or a factory given the app's
   * connection (the helper then starts it before the app and closes it on stop), e.g.
   * `telephony: ({ connection }) => startTestTelephony({ port: pbx.port, connection })`.
   */
  telephony?: AppTelephony | null | ((deps: { connection: Connection; logger: Logger; clock: Clock }) => AppTelephony);
  /** Defaults to a fresh in-memory store; pass a Redis one to test several instances. */
  liveState?: LiveStateStore;
  /** Use an already running store (e.g. shared by two app instances) instead of starting one. */
  mongoUrl?: string;
  /** Database name; a unique one per app unless given (share it to share data between instances). */
  dbName?: string;
  /** How /healthz names the store; 'embedded' when this helper started the embedded store. */
  mongoMode?: 'embedded' | 'external';
  logger?: Logger;
  consoles?: { agentConsoleDir: string; supervisorDashboardDir: string };
}

export interface LoggedIn {
  token: string;
  /** `crm_session=…`, ready for a `Cookie` header. */
  cookie: string;
  user: User;
}

export interface TestApp {
  baseUrl: string;
  port: number;
  mongoUrl: string;
  dbName: string;
  connection: Connection;
  context: AppContext;
  app: App;
  /** Logs in through the real endpoint (demo password by default); throws on failure. */
  login(login: string, password?: string): Promise<LoggedIn>;
  stop(): Promise<void>;
}

/**
 * Boots the whole app (createApp) on port 0 over real TCP, with the embedded store and in-memory
 * live state, and the demo users seeded. Every integration and browser test starts from this.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    let mongoUrl = options.mongoUrl;
    let dbName = options.dbName ?? `crm_test_${randomBytes(4).toString('hex')}`;
    let mongoMode = options.mongoMode ?? 'external';
    if (!mongoUrl) {
      const mongo = await startTestMongo();
      stops.push(() => mongo.stop());
      mongoUrl = mongo.url;
      dbName = options.dbName ?? mongo.dbName;
      // startTestMongo uses MONGO_URL when set (the suite must pass against real MongoDB too).
      mongoMode = options.mongoMode ?? (process.env.MONGO_URL ? 'external' : 'embedded');
    }
    const config = testConfig({ ...options.config, mongo: { url: mongoUrl, dbName, ...options.config?.mongo } });
    const logger = options.logger ?? silentLogger();
    const connection = mongoose.createConnection(mongoUrl, { dbName, serverSelectionTimeoutMS: 10_000 });
    stops.push(() => connection.close());
    await connection.asPromise();

    const liveState = options.liveState ?? createMemoryLiveState();
    if (!options.liveState) stops.push(() => liveState.close());

    const clock = options.clock;
    let telephony: AppTelephony | null = null;
    if (typeof options.telephony === 'function') {
      telephony = options.telephony({ connection, logger, clock: clock ?? { now: () => new Date() } });
      const started = telephony;
      stops.push(() => started.close());
      await telephony.start();
    } else {
      telephony = options.telephony ?? null;
    }
    const app = await createApp({
      config,
      connection,
      liveState,
      telephony,
      mongoMode,
      logger,
      ...(clock ? { clock } : {}),
      ...(options.consoles ? { consoles: options.consoles } : {}),
    });
    stops.push(() => app.close());

    const seed = options.seed ?? true;
    if (seed !== false) {
      await seedDemoData({ connection, logger, clock: clock ?? { now: () => new Date() } }, seed === true ? DEMO_SEEDERS : seed);
    }

    await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
    const { port } = app.httpServer.address() as AddressInfo;
    const baseUrl = `http://127.0.0.1:${port}`;

    return {
      baseUrl,
      port,
      mongoUrl,
      dbName,
      connection,
      context: app.context,
      app,
      login: (login, password = 'demo') => loginAt(baseUrl, login, password),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

export async function loginAt(baseUrl: string, login: string, password = 'demo'): Promise<LoggedIn> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login, password }),
  });
  if (response.status !== 200) throw new Error(`login as ${login} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { user: User; token: string };
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('crm_session='));
  if (!setCookie) throw new Error('login did not set the session cookie');
  return { token: body.token, user: body.user, cookie: setCookie.split(';')[0]! };
}

export interface ApiAnswer<T> {
  status: number;
  /** The parsed JSON body (null when empty). */
  body: T;
  etag: string | null;
}

/** One REST call as `who`: JSON in and out, the answer's status, body and ETag. */
export async function callApi<T>(baseUrl: string, who: LoggedIn, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${who.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T, etag: response.headers.get('etag') };
}
