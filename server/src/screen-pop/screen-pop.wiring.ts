import { internalCallee, type CallRecord } from '@crm/shared';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { contactChangesOf, type ContactChange } from '../contacts/contact-changes.js';
import type { NumberLocator } from '../contacts/timezone-inference.js';
import type { Clock } from '../platform/clock.js';
import type { Realtime } from '../realtime/realtime.js';
import type { TelephonyEvents } from '../telephony/index.js';
import { clientNumberOf } from './screen-pop.js';
import { createScreenPopService, NO_CLIENT, type ClientLookup, type ScreenPopService } from './screen-pop.service.js';

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

/** A read of a call's client older than this is read again after its pop is shown (edits made on another server instance). */
const REVALIDATE_AFTER_MS = 2_000;
/** Calls whose client is kept read ahead, at most. */
const MAX_PREPARED = 5_000;

/** The client of one call, read ahead of its rings. */
interface Prepared {
  phone: string | null;
  /** The card the call was linked to when the read started. */
  linkedId: string | null;
  /** What the read found, once settled (a ring then pops without waiting for anything). */
  client: ClientLookup | null;
  /** When the read settled (or started, while under way). */
  at: number;
  lookup: Promise<ClientLookup>;
  /** The read made again because this one was old when a ring used it. */
  fresher?: Prepared;
}

/**
 * Pushes `call:ringing` to the rung agent only, whenever telephony reports their phone ringing
 * (queue AgentCalled or a direct dial).
 *
 * The client is read ahead: as soon as a call with a client number appears (long before a queue
 * rings anyone — the caller hears the greeting and waits), its card, open deal and last
 * interactions are read once and kept with the call, so a ring pops at once and agents rung for
 * the same call share one read. A write to that client's card, deals or notes in this process
 * drops the read (the next ring reads again); a read older than a couple of seconds is shown and
 * then read again, and the pop is refreshed if anything in it changed (another instance's edit).
 *
 * A pop whose call ended meanwhile is dropped, and one whose call changed meanwhile carries the
 * latest call record. A call between two agents has no client: both agents' consoles get a pop
 * naming the colleague when the called agent's phone rings.
 * Returns the unsubscribe function (call it on close).
 */
export function startScreenPop({ connection, clock, logger, realtime, telephony, locate, screenPop = createScreenPopService({ connection, clock, ...(locate ? { locate } : {}) }) }: ScreenPopWiring): () => void {
  const log = logger.child({ component: 'screen-pop' });
  const now = () => clock.now().getTime();
  const latest = new Map<string, CallRecord>();
  const ended = new Set<string>();
  const prepared = new Map<string, Prepared>();

  const hasClient = (call: CallRecord) => call.active && call.endedAt === null && clientNumberOf(call) !== null && internalCallee(call) === null;

  const read = (call: CallRecord): Prepared => {
    const entry: Prepared = { phone: clientNumberOf(call), linkedId: call.contactId, client: null, at: now(), lookup: screenPop.lookUp(call) };
    entry.lookup.then(
      (client) => {
        entry.client = client;
        entry.at = now();
      },
      () => {
        // A failed read is not kept: the ring reads again.
        if (prepared.get(call.id) === entry) prepared.delete(call.id);
      },
    );
    prepared.set(call.id, entry);
    if (prepared.size > MAX_PREPARED) prepared.delete(prepared.keys().next().value as string);
    return entry;
  };

  /** The read for this call, when it still describes the call's client. */
  const readFor = (call: CallRecord): Prepared => {
    const entry = prepared.get(call.id);
    const cardId = entry?.client ? (entry.client.contact?.id ?? null) : entry?.linkedId;
    const isSameClient = entry && entry.phone === clientNumberOf(call) && (!call.contactId || call.contactId === cardId);
    return isSameClient ? entry : read(call);
  };

  const forget = (id: string) => {
    latest.delete(id);
    prepared.delete(id);
    // Keep a bounded memory of ended calls: enough to cover lookups still in flight.
    ended.add(id);
    if (ended.size > 1000) ended.delete(ended.values().next().value as string);
  };

  /** Still ringing this agent, or they took it: a pop for them is still wanted. */
  const isForAgent = (callId: string, extension: string) => {
    const call = latest.get(callId);
    return !ended.has(callId) && (!call || call.ringingAgents.includes(extension) || call.agentExtension === extension);
  };

  const pop = async (extension: string, call: CallRecord) => {
    const entry = readFor(call);
    // A read that fails rejects: the caller below pops the call without a card.
    const client = entry.client ?? (await entry.lookup);
    if (!isForAgent(call.id, extension)) return;
    // Read ahead: the pop leaves in the same turn as the ring event, before the rest of its AMI chunk.
    const current = latest.get(call.id) ?? call;
    realtime.emitToAgent(extension, 'call:ringing', screenPop.buildNow(current, client) ?? (await screenPop.build(current, client)));
    if (now() - entry.at <= REVALIDATE_AFTER_MS) return;
    // Shown at once; read again (once for all agents rung together) and pop again if it changed.
    entry.fresher ??= read(latest.get(call.id) ?? call);
    const fresh = await entry.fresher.lookup.catch(() => client);
    if (sameClient(client, fresh) || !isForAgent(call.id, extension)) return;
    realtime.emitToAgent(extension, 'call:ringing', await screenPop.build(latest.get(call.id) ?? call, fresh));
  };

  const dropReadsOf = (change: ContactChange) => {
    for (const [callId, entry] of prepared) {
      // A read still under way may have read the card before this change: read again.
      const card = entry.client?.contact ?? null;
      const isAffected =
        !entry.client || card?.id === change.contactId || (card === null && entry.phone !== null && (change.phones?.includes(entry.phone) ?? false));
      if (isAffected) prepared.delete(callId);
    }
  };

  const unsubscribe = [
    contactChangesOf(connection).subscribe(dropReadsOf),
    telephony.on('call:changed', (call) => {
      if (latest.has(call.id)) latest.set(call.id, call);
      if (hasClient(call) && !prepared.has(call.id) && !ended.has(call.id)) read(call);
    }),
    telephony.on('call:ended', (call) => forget(call.id)),
    telephony.on('call:merged', ({ from }) => prepared.delete(from)),
    telephony.on('agent:ringing', ({ extension, call }) => {
      const callee = internalCallee(call);
      if (callee !== null) {
        // No client to read: the colleague's phone rings, and the caller's console follows it as
        // their outgoing call in progress (their own phone does not ring: they dialed).
        const pop = screenPop.buildNow(call, NO_CLIENT) ?? { call, contact: null, localTime: null };
        realtime.emitToAgent(extension, 'call:ringing', pop);
        if (extension === callee && call.agentExtension && call.agentExtension !== callee) realtime.emitToAgent(call.agentExtension, 'call:ringing', pop);
        return;
      }
      latest.set(call.id, call);
      if (latest.size > MAX_PREPARED) latest.delete(latest.keys().next().value as string);
      ended.delete(call.id);
      pop(extension, call).catch((error: unknown) => {
        // A pop that could not be built: the agent still gets the call, without a card.
        log.error({ err: error, extension, callId: call.id }, 'screen-pop failed');
        if (isForAgent(call.id, extension)) realtime.emitToAgent(extension, 'call:ringing', { call: latest.get(call.id) ?? call, contact: null, localTime: null });
      });
    }),
  ];
  return () => {
    for (const stop of unsubscribe) stop();
  };
}

/** Whether two reads of a client would pop the same card (what a refreshed pop would change). */
function sameClient(a: ClientLookup, b: ClientLookup): boolean {
  return JSON.stringify([a.contact, a.openDeal, a.lastInteractions, a.numberFacts]) === JSON.stringify([b.contact, b.openDeal, b.lastInteractions, b.numberFacts]);
}
