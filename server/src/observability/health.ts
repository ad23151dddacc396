import type { Connection } from 'mongoose';
import type { DependencyHealth, HealthResponse } from '@crm/shared';
import type { AppConfig } from '../config/config.js';
import type { LiveStateStore } from '../live-state/live-state-store.js';
import type { TelephonyPort } from '../platform/telephony-port.js';

const PING_TIMEOUT_MS = 1500;

function withTimeout<T>(promise: Promise<T>, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), PING_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

async function mongoHealth(connection: Connection, mode: 'embedded' | 'external'): Promise<DependencyHealth> {
  // Ask the server itself: readyState lags behind (and flaps with some servers' heartbeats).
  if (!connection.db) return { mode, up: false, detail: 'not connected' };
  const isUp = await withTimeout(
    connection.db.admin().ping().then(() => true),
    false,
  );
  return isUp ? { mode, up: true } : { mode, up: false, detail: 'ping failed' };
}

async function redisHealth(liveState: LiveStateStore): Promise<DependencyHealth> {
  if (liveState.mode === 'memory') return { mode: 'memory', up: true };
  const isUp = await withTimeout(liveState.ping(), false);
  return isUp ? { mode: 'external', up: true } : { mode: 'external', up: false, detail: 'Redis does not answer' };
}

function amiHealth(telephony: TelephonyPort | null, config: AppConfig): DependencyHealth {
  if (telephony) return telephony.health();
  return {
    mode: config.ami.host === null ? 'simulator' : 'external',
    up: false,
    detail: 'telephony is not started in this process',
  };
}

/** `GET /healthz` (DESIGN §5): 200 with each dependency's mode and whether it is up. */
export async function checkHealth({
  connection,
  mongoMode,
  config,
  liveState,
  telephony,
}: {
  connection: Connection;
  mongoMode: 'embedded' | 'external';
  config: AppConfig;
  liveState: LiveStateStore;
  telephony: TelephonyPort | null;
}): Promise<HealthResponse> {
  const [mongo, redis] = await Promise.all([mongoHealth(connection, mongoMode), redisHealth(liveState)]);
  const ami = amiHealth(telephony, config);
  return { status: mongo.up && redis.up && ami.up ? 'ok' : 'degraded', mongo, redis, ami };
}
