import type { Logger } from 'pino';
import type { Lease, LiveStateStore } from './live-state-store.js';

export interface LeaseKeeperOptions {
  store: LiveStateStore;
  /** e.g. 'ami-connection': exactly one instance holds it at a time. */
  name: string;
  /** How long a lease lives without renewal; another instance takes over this long after a holder dies. */
  ttlMs?: number;
  /** How often the holder renews and the others try to take over (default ttl / 3). */
  intervalMs?: number;
  /** Called when this instance becomes the holder (e.g. connect to AMI). */
  onAcquired: () => Promise<void> | void;
  /** Called when it stops being the holder: lost, expired or stopping (e.g. disconnect from AMI). */
  onLost: () => Promise<void> | void;
  logger: Logger;
}

export interface LeaseKeeper {
  isHolder(): boolean;
  /** Gives the lease up (calling onLost first when held) and stops trying. */
  stop(): Promise<void>;
}

/**
 * Keeps trying to hold a named lease and renews it while held, so that across instances exactly
 * one does the job (holds the AMI connection) and another takes over when it dies. A holder that
 * cannot renew within the TTL (store unreachable) lets go, since another instance may have taken it.
 */
export function startLeaseKeeper({ store, name, ttlMs = 15_000, intervalMs = Math.floor(ttlMs / 3), onAcquired, onLost, logger }: LeaseKeeperOptions): LeaseKeeper {
  const log = logger.child({ lease: name });
  let lease: Lease | null = null;
  let lastRenewedAt = 0;
  let isStopped = false;
  let running: Promise<void> = Promise.resolve();

  const lose = async (reason: string) => {
    lease = null;
    log.warn({ reason }, 'Lease lost');
    try {
      await onLost();
    } catch (error) {
      log.error({ err: error }, 'Handling the loss of the lease failed');
    }
  };

  const tick = async () => {
    if (isStopped) return;
    if (lease) {
      try {
        if (await store.renewLease(lease, ttlMs)) {
          lastRenewedAt = Date.now();
          return;
        }
        await lose('taken over or expired');
      } catch (error) {
        if (Date.now() - lastRenewedAt >= ttlMs) await lose('store unreachable for longer than the lease');
        else log.warn({ err: error }, 'Could not renew the lease; retrying');
      }
      return;
    }
    try {
      const acquired = await store.acquireLease(name, ttlMs);
      if (!acquired || isStopped) {
        if (acquired) await store.releaseLease(acquired);
        return;
      }
      lease = acquired;
      lastRenewedAt = Date.now();
      log.info('Lease acquired: this instance does the job now');
      await onAcquired();
    } catch (error) {
      log.warn({ err: error }, 'Could not take the lease; retrying');
    }
  };

  const schedule = () => {
    running = running.then(tick);
  };
  schedule();
  const timer = setInterval(schedule, intervalMs);
  timer.unref();

  return {
    isHolder: () => lease !== null,
    async stop() {
      isStopped = true;
      clearInterval(timer);
      await running;
      if (!lease) return;
      const held = lease;
      lease = null;
      try {
        await onLost();
      } finally {
        await store.releaseLease(held).catch(() => {});
      }
    },
  };
}
