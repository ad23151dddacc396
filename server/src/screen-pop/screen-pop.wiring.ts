import type { CallRecord, CallRingingPayload } from '@crm/shared';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { NumberLocator } from '../contacts/timezone-inference.js';
import type { Clock } from '../platform/clock.js';
import type { Realtime } from '../realtime/realtime.js';
import type { TelephonyEvents } from '../telephony/index.js';
import { createScreenPopService, type ScreenPopService } from './screen-pop.service.js';

/** The part of the telephony service the pop listens to. */
export interface RingingSource {
  on<E extends keyof TelephonyEvents>(event: E, handler: TelephonyEvents[E]): () => void;
}

export interface ScreenPopWiring {
  connection: Connection;
  clock: Clock;
  logger: Logger;
  realtime: Pick<Realtime, 'emitToAgent'>;
  telephony: RingingSource;
  locate?: NumberLocator;
  /** The service to build pops with (one per app); made here when not given. */
  screenPop?: ScreenPopService;
}

/**
 * Pushes `call:ringing` to the rung agent only, whenever telephony reports their phone ringing
 * (queue AgentCalled or a direct dial). The lookup is asynchronous, so a pop whose call ended
 * meanwhile is dropped, and one whose call changed meanwhile carries the latest call record.
 * A queue that rings several agents at once (ringall) reads the card once for all of them.
 * Returns the unsubscribe function (call it on close).
 */
export function startScreenPop({ connection, clock, logger, realtime, telephony, locate, screenPop = createScreenPopService({ connection, clock, ...(locate ? { locate } : {}) }) }: ScreenPopWiring): () => void {
  const log = logger.child({ component: 'screen-pop' });
  const latest = new Map<string, CallRecord>();
  const ended = new Set<string>();
  // Lookups under way, by call: agents rung together share one (the payload does not depend on the agent).
  const inFlight = new Map<string, Promise<CallRingingPayload>>();
  const lookUp = (extension: string, call: CallRecord): Promise<CallRingingPayload> => {
    const key = `${call.id}|${call.contactId ?? ''}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = screenPop.forRinging({ extension, call }).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    return pending;
  };

  const forget = (id: string) => {
    latest.delete(id);
    // Keep a bounded memory of ended calls: enough to cover lookups still in flight.
    ended.add(id);
    if (ended.size > 1000) ended.delete(ended.values().next().value as string);
  };

  const unsubscribe = [
    telephony.on('call:changed', (call) => {
      if (latest.has(call.id)) latest.set(call.id, call);
    }),
    telephony.on('call:ended', (call) => forget(call.id)),
    telephony.on('agent:ringing', ({ extension, call }) => {
      latest.set(call.id, call);
      if (latest.size > 5000) latest.delete(latest.keys().next().value as string);
      ended.delete(call.id);
      lookUp(extension, call)
        .catch((error: unknown) => {
          // The card could not be read: the agent still gets the call, without a card.
          log.error({ err: error, extension, callId: call.id }, 'screen-pop lookup failed');
          return { call, contact: null, localTime: null };
        })
        .then((payload) => {
          if (ended.has(call.id)) return;
          realtime.emitToAgent(extension, 'call:ringing', { ...payload, call: latest.get(call.id) ?? payload.call });
        });
    }),
  ];
  return () => {
    for (const stop of unsubscribe) stop();
  };
}
