import type { CallRingingPayload } from '@crm/shared';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../platform/clock.js';
import type { TelephonyEvents } from '../telephony/index.js';
import type { ScreenPopService } from './screen-pop.service.js';
import { startScreenPop } from './screen-pop.wiring.js';

function fakeTelephony() {
  const handlers = new Map<string, (payload: never) => void>();
  return {
    on<E extends keyof TelephonyEvents>(event: E, handler: TelephonyEvents[E]) {
      handlers.set(event, handler as (payload: never) => void);
      return () => handlers.delete(event);
    },
    fire(event: keyof TelephonyEvents, payload: unknown) {
      handlers.get(event)?.(payload as never);
    },
  };
}

describe('screen-pop wiring', () => {
  it('reads the card once for agents rung together, and pops it on each of them', async () => {
    const telephony = fakeTelephony();
    const pops: Array<{ extension: string; payload: CallRingingPayload }> = [];
    let lookups = 0;
    const screenPop: ScreenPopService = {
      async forRinging({ call }) {
        lookups += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return { call, contact: null, localTime: null };
      },
    };
    const stop = startScreenPop({
      connection: {} as Connection,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      realtime: { emitToAgent: (extension: string, _event: string, payload: CallRingingPayload) => void pops.push({ extension, payload }) } as never,
      telephony,
      screenPop,
    });
    const call = buildCallRecord({ ringingAgents: ['1001', '1002', '1003'] });
    for (const extension of ['1001', '1002', '1003']) telephony.fire('agent:ringing', { extension, call });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(lookups).toBe(1);
    expect(pops.map((pop) => pop.extension).sort()).toEqual(['1001', '1002', '1003']);
    // A later ring of the same call (the next agent after a no-answer) reads the card afresh.
    telephony.fire('agent:ringing', { extension: '1004', call });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(lookups).toBe(2);
    stop();
  });
});
