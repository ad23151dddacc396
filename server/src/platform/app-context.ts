import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { SessionService } from '../auth/session-service.js';
import type { AppConfig } from '../config/config.js';
import type { LiveStateStore } from '../live-state/live-state-store.js';
import type { AppMetrics } from '../observability/metrics.js';
import type { Realtime } from '../realtime/realtime.js';
import type { UserRepository } from '../users/user.repository.js';
import type { Clock } from './clock.js';
import type { AppTelephony } from './telephony-port.js';

/**
 * Everything a domain (calls, contacts, deals, tasks, …) receives when the app is built. Routers
 * and socket handlers are created from it in `server/src/routes.ts`.
 */
export interface AppContext {
  config: AppConfig;
  /** The app's own mongoose connection: bind models with `connection.model(...)`, never the global mongoose. */
  connection: Connection;
  logger: Logger;
  /** Read time only through this (tests pin it). */
  clock: Clock;
  /** Memory or Redis: agent/queue snapshots, counters, leases. */
  liveState: LiveStateStore;
  /** Null until telephony is wired in (then /healthz reports AMI down). */
  telephony: AppTelephony | null;
  /** Typed pushes: `ctx.realtime.emitToAgent('1001', 'call:ringing', payload)`, `emitToSupervisors(...)`. */
  realtime: Realtime;
  /** Prometheus counters other domains increment (AMI events/actions, …). */
  metrics: AppMetrics;
  users: UserRepository;
  sessions: SessionService;
  /** Runs `fn` when the app closes (stop timers, unsubscribe), in reverse order of registration. */
  onClose(fn: () => Promise<void> | void): void;
}
