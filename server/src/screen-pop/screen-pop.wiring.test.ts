import type { CallRecord, CallRingingPayload, Contact } from '@crm/shared';
import { buildCallRecord } from '@crm/shared/testing/call-record';
import { buildContact } from '@crm/shared/testing/contact';
import type { Connection } from 'mongoose';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { contactChangesOf } from '../contacts/contact-changes.js';
import type { TelephonyEvents } from '../telephony/index.js';
import type { ClientLookup, ScreenPopService } from './screen-pop.service.js';
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

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * The wiring over a store stand-in: `card` is what a read finds now (change it to model an edit),
 * `reads` counts reads, `clock` is moved by hand.
 */
function setUp() {
  const telephony = fakeTelephony();
  const connection = {} as Connection;
  const pops: Array<{ extension: string; payload: CallRingingPayload }> = [];
  const state = { reads: 0, failing: false, card: buildContact({ name: 'Ivan Petrov', phones: ['+73432001122'] }) as Contact | null, now: Date.parse('2026-11-23T10:00:00Z') };
  const screenPop: ScreenPopService = {
    async lookUp(call) {
      state.reads += 1;
      if (state.failing) throw new Error('store unreachable');
      const contact = state.card;
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { clientPhone: call.callerNumber, contact, openDeal: null, lastInteractions: [], numberFacts: null } satisfies ClientLookup;
    },
    async build(call, client) {
      return this.buildNow(call, client) as CallRingingPayload;
    },
    buildNow(call, client) {
      return { call, contact: client.contact ? { ...client.contact, openDeal: null, lastInteractions: [] } : null, localTime: null };
    },
    async forRinging() {
      throw new Error('the wiring reads through lookUp/build');
    },
  };
  const stop = startScreenPop({
    connection,
    clock: { now: () => new Date(state.now) },
    logger: pino({ level: 'silent' }),
    realtime: { emitToAgent: (extension: string, _event: string, payload: CallRingingPayload) => void pops.push({ extension, payload }) } as never,
    telephony,
    screenPop,
  });
  const ring = (call: CallRecord, extension: string) => telephony.fire('agent:ringing', { extension, call });
  return { telephony, connection, pops, state, stop, ring };
}

describe('screen-pop wiring', () => {
  it('reads the client when the call appears, so the ring pops without reading again', async () => {
    const { telephony, pops, state, stop, ring } = setUp();
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] });
    telephony.fire('call:changed', call);
    await settle();
    expect(state.reads).toBe(1);
    ring(call, '1001');
    await settle();
    expect(state.reads).toBe(1);
    expect(pops.map((pop) => [pop.extension, pop.payload.contact?.name])).toEqual([['1001', 'Ivan Petrov']]);
    stop();
  });

  it('pops every agent rung together, and the next agent after a no-answer, from one read', async () => {
    const { pops, state, stop, ring } = setUp();
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001', '1002', '1003'] });
    for (const extension of ['1001', '1002', '1003']) ring(call, extension);
    await settle();
    ring({ ...call, ringingAgents: ['1004'] }, '1004');
    await settle();
    expect(state.reads).toBe(1);
    expect(pops.map((pop) => pop.extension).sort()).toEqual(['1001', '1002', '1003', '1004']);
    stop();
  });

  it('reads again when the client’s card changed after it was read', async () => {
    const { telephony, connection, pops, state, stop, ring } = setUp();
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] });
    telephony.fire('call:changed', call);
    await settle();
    const card = state.card as Contact;
    state.card = { ...card, name: 'Ivan Petrov (VIP)' };
    contactChangesOf(connection).notify({ contactId: card.id });
    ring(call, '1001');
    await settle();
    expect(state.reads).toBe(2);
    expect(pops.map((pop) => pop.payload.contact?.name)).toEqual(['Ivan Petrov (VIP)']);
    stop();
  });

  it('reads again when a card is created for an unknown caller who is waiting', async () => {
    const { telephony, connection, pops, state, stop, ring } = setUp();
    const card = state.card as Contact;
    state.card = null;
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] });
    telephony.fire('call:changed', call);
    await settle();
    state.card = card;
    // A change to somebody else's card leaves the read alone.
    contactChangesOf(connection).notify({ contactId: 'another', phones: ['+74232001122'] });
    ring(call, '1001');
    await settle();
    expect(pops.map((pop) => pop.payload.contact)).toEqual([null]);
    contactChangesOf(connection).notify({ contactId: card.id, phones: card.phones });
    ring({ ...call, ringingAgents: ['1002'] }, '1002');
    await settle();
    expect(pops.map((pop) => pop.payload.contact?.name ?? null)).toEqual([null, 'Ivan Petrov']);
    stop();
  });

  it('shows an old read at once, then pops again only when a fresh read differs', async () => {
    const { telephony, pops, state, stop, ring } = setUp();
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] });
    telephony.fire('call:changed', call);
    await settle();
    state.now += 60_000; // the caller waited a minute in the queue
    ring(call, '1001');
    await settle();
    expect(state.reads).toBe(2);
    expect(pops.map((pop) => pop.payload.contact?.name)).toEqual(['Ivan Petrov']);

    // Edited meanwhile on another server instance (no change notice here).
    state.card = { ...(state.card as Contact), segment: 'A', name: 'Ivan Petrov jr' };
    state.now += 60_000;
    ring({ ...call, ringingAgents: ['1002'] }, '1002');
    await settle();
    expect(pops.map((pop) => [pop.extension, pop.payload.contact?.name])).toEqual([
      ['1001', 'Ivan Petrov'],
      ['1002', 'Ivan Petrov'],
      ['1002', 'Ivan Petrov jr'],
    ]);
    stop();
  });

  it('still rings the agent, without a card, when the client cannot be read', async () => {
    const { pops, state, stop, ring } = setUp();
    state.failing = true;
    ring(buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] }), '1001');
    await settle();
    expect(pops.map((pop) => [pop.extension, pop.payload.call.callerNumber, pop.payload.contact])).toEqual([['1001', '+73432001122', null]]);
    stop();
  });

  it('drops the pop of a call that ended while its client was being read', async () => {
    const { telephony, pops, stop, ring } = setUp();
    const call = buildCallRecord({ callerNumber: '+73432001122', ringingAgents: ['1001'] });
    ring(call, '1001');
    telephony.fire('call:ended', { ...call, active: false, endedAt: new Date().toISOString() });
    await settle();
    expect(pops).toEqual([]);
    stop();
  });

  it('pops the colleague on both consoles when the called agent’s phone rings, reading no client card', async () => {
    const { telephony, pops, state, stop, ring } = setUp();
    const call = buildCallRecord({ direction: 'outbound', callerNumber: '1001', calledNumber: '1002', agentExtension: '1001', queue: null, ringingAgents: [] });
    telephony.fire('call:changed', call);
    ring(call, '1002');
    await settle();
    expect(state.reads).toBe(0);
    const pop = { call, contact: null, localTime: null };
    expect(pops).toEqual([
      { extension: '1002', payload: pop },
      // The caller's console shows their outgoing call while the colleague's phone rings.
      { extension: '1001', payload: pop },
    ]);
    stop();
  });
});
