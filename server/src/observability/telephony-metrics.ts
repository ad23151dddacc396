import type { TelephonyEvents, TelephonyService } from '../telephony/telephony-service.js';
import type { AppMetrics } from './metrics.js';

type Subscribable = Pick<TelephonyService, 'on' | 'status'>;

const COUNTED_EVENTS = [
  'call:changed',
  'agent:ringing',
  'agent:answered',
  'call:ended',
  'call:merged',
  'agent:state',
  'agent:ring-no-answer',
] as const satisfies ReadonlyArray<keyof TelephonyEvents>;

/**
 * Feeds the AMI metrics from the telephony service's events: the connection gauge, reconnects
 * (up again after being down), telephony events by kind and Originate results. Returns a
 * function that unsubscribes.
 */
export function trackTelephonyMetrics(telephony: Subscribable, metrics: AppMetrics): () => void {
  let wasUp = telephony.status().up;
  let hasBeenUp = wasUp;
  metrics.amiConnected.set(wasUp ? 1 : 0);
  const unsubscribers = [
    telephony.on('connection:changed', (status) => {
      metrics.amiConnected.set(status.up ? 1 : 0);
      if (status.up && !wasUp && hasBeenUp) metrics.amiReconnects.inc();
      if (status.up) hasBeenUp = true;
      wasUp = status.up;
    }),
    telephony.on('originate:result', (outcome) => {
      metrics.amiActions.inc({ action: 'Originate', result: outcome.success ? 'success' : (outcome.result ?? 'failed') });
    }),
    ...COUNTED_EVENTS.map((event) => telephony.on(event, (() => metrics.amiEvents.inc({ event })) as never)),
  ];
  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
  };
}
