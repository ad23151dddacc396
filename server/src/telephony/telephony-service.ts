/**
 * The telephony service: one AMI connection (real Asterisk or the PBX simulator), the call model
 * and agent board fed from it, call records persisted idempotently, resync on every (re)connect
 * and at start, typed actions, and a typed subscription API of domain events. Nothing it hands
 * out carries an AMI field name.
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { PHONE_CONTROL_UNAVAILABLE, type AgentStatus, type CallRecord, type DependencyHealth } from '@crm/shared';
import { AgentBoard, deviceActivityFromStatus, type MembershipFact } from '../agents/agent-state.js';
import { createCallRepository, type CallRepository, type CallWrite } from '../calls/call.repository.js';
import { findCardByNumber } from '../contacts/card-by-number.js';
import { contactChangesOf, type ContactChange } from '../contacts/contact-changes.js';
import { AppError } from '../http/app-error.js';
import { createAgentMatcher, memberExtension, type AgentMatcher } from './agent-identity.js';
import { AmiActionError, AmiConnection, type AmiFields, type AmiListResult } from './ami-connection.js';
import { normalizeAmiEvent, type AmiFrame, type PbxEvent } from './ami-events.js';
import type { BackoffPolicy } from './backoff.js';
import { CallModel, type CallEffect, type CallState, type OriginateOutcome } from './call-state.js';
import { toE164 } from './phone-number.js';

export interface TelephonyOptions {
  ami: { host: string; port: number; username: string; secret: string };
  mode: 'simulator' | 'external';
  connection: Connection;
  logger: Logger;
  clock: { now(): Date };
  /** ISO country for numbers without a country code ('RU'). */
  defaultCountry: string;
  /** First capture group that matches = the agent's extension (interfaces, channels, member names). */
  agentInterfacePattern?: RegExp;
  /** How Originate dials an agent's device; `{ext}` is replaced. Default `Local/{ext}@agents`. */
  agentDialTemplate?: string;
  /** The queue member interface of an extension. Default `Local/{ext}@agents/n`. */
  memberInterfaceTemplate?: string;
  /** Dialplan context Originate sends the client number to. Default `outbound`. */
  originateContext?: string;
  /** Store call records (default true). */
  persist?: boolean;
  /** While connected, re-check calls against CoreShowChannels this often (a lost Hangup cannot leave a call open forever). Default 5 min. */
  resyncIntervalMs?: number;
  /** Prometheus figures (the app's AppMetrics fits). */
  metrics?: TelephonyMetrics;
  /** Connection tuning (tests shorten these). */
  timings?: { pingIntervalMs?: number; pingTimeoutMs?: number; actionTimeoutMs?: number; backoff?: BackoffPolicy };
}

export interface TelephonyMetrics {
  amiConnected: { set(value: number): void };
  amiEvents: { inc(labels: { event: string }): void };
  amiActions: { inc(labels: { action: string; result: string }): void };
  amiReconnects: { inc(): void };
}

export interface TelephonyStatus {
  mode: 'simulator' | 'external';
  up: boolean;
  detail?: string;
}

export interface TelephonyEvents {
  /** A call record changed (new call, ringing, answered, ended, contact found…). */
  'call:changed': (call: CallRecord) => void;
  /** An agent's phone rings for this call — the screen-pop hangs on this. */
  'agent:ringing': (payload: { extension: string; call: CallRecord }) => void;
  /** An agent is talking: answered a queue/direct call, or the client answered their click-to-call. */
  'agent:answered': (payload: { extension: string; call: CallRecord }) => void;
  'call:ended': (call: CallRecord) => void;
  /** Two records turned out to be one call (Linkedid change); `from` no longer exists. */
  'call:merged': (payload: { from: string; into: string }) => void;
  'agent:state': (status: AgentStatus) => void;
  'agent:ring-no-answer': (payload: { extension: string; queue: string; callId: string; ringSeconds: number | null; at: string }) => void;
  'originate:result': (outcome: OriginateOutcome) => void;
  /** The AMI link went up or down. */
  'connection:changed': (status: TelephonyStatus) => void;
}

export interface QueueSnapshot {
  name: string;
  waiting: number;
  completed: number | null;
  abandoned: number | null;
  serviceLevelSeconds: number | null;
  loggedIn: number | null;
  available: number | null;
  longestWaitSeconds: number | null;
  members: Array<{ extension: string; paused: boolean; pauseReason: string | null; state: AgentStatus['state'] }>;
  entries: Array<{ position: number | null; callId: string; callerNumber: string | null; waitSeconds: number | null }>;
}

export interface ChannelSnapshot {
  callId: string;
  channelId: string;
  channel: string;
  state: 'down' | 'ring' | 'ringing' | 'up' | 'busy' | 'other';
  callerNumber: string | null;
  durationSeconds: number | null;
  application: string | null;
  bridged: boolean;
}

export type PhoneCommand = 'answer' | 'reject' | 'hangup' | 'attach' | 'detach';

export interface TelephonyService {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): TelephonyStatus;
  /** For /healthz (`ami: { mode, up }`); same as status(). */
  health(): DependencyHealth;
  close(): Promise<void>;
  /** Click-to-call: rings the agent's device first, then the client. Resolves once Asterisk queued it. */
  originate(input: { extension: string; number: string; callerIdName?: string; timeoutMs?: number }): Promise<{ actionId: string; outcome: Promise<OriginateOutcome> }>;
  /** Pause (with a reason) or unpause (`paused: false`) an agent in one queue or all of them. */
  queuePause(input: { extension: string; queue?: string; paused: boolean; reason?: string }): Promise<void>;
  queueAdd(input: { extension: string; queue: string; paused?: boolean; penalty?: number }): Promise<void>;
  queueRemove(input: { extension: string; queue: string }): Promise<void>;
  queueStatus(input?: { queue?: string }): Promise<QueueSnapshot[]>;
  coreShowChannels(): Promise<ChannelSnapshot[]>;
  hangup(input: { callId: string }): Promise<void>;
  /** Simulator only: drive the simulated phone of an extension as the agent's console. */
  simPhone(extension: string, command: PhoneCommand): Promise<void>;
  activeCalls(): CallRecord[];
  /** One call still up, by its id (null once it ended or when unknown). */
  activeCall(callId: string): CallRecord | null;
  /** After-call work (the outcome flow): the agent shows `wrap-up` while free of calls, until cleared. */
  setWrapUp(extension: string, active: boolean): void;
  agentStates(): AgentStatus[];
  agentState(extension: string): AgentStatus | null;
  ringNoAnswerCount(extension: string): number;
  on<E extends keyof TelephonyEvents>(event: E, handler: TelephonyEvents[E]): () => void;
  /** Resolves when every record change seen so far is stored (tests, shutdown). */
  flushed(): Promise<void>;
}

const CHANNEL_STATES: Record<number, ChannelSnapshot['state']> = { 0: 'down', 4: 'ring', 5: 'ringing', 6: 'up', 7: 'busy' };

export function createTelephony(options: TelephonyOptions): TelephonyService {
  const { logger, clock, mode } = options;
  const log = logger.child({ component: 'telephony' });
  const now = () => clock.now().getTime();
  const matchAgent: AgentMatcher = createAgentMatcher(options.agentInterfacePattern);
  const dialTemplate = options.agentDialTemplate ?? 'Local/{ext}@agents';
  const memberTemplate = options.memberInterfaceTemplate ?? 'Local/{ext}@agents/n';
  const originateContext = options.originateContext ?? 'outbound';
  const persist = options.persist ?? true;
  const repository: CallRepository | null = persist ? createCallRepository(options.connection, () => clock.now()) : null;

  const listeners = new Map<keyof TelephonyEvents, Set<(...args: never[]) => void>>();
  const emit = <E extends keyof TelephonyEvents>(event: E, ...args: Parameters<TelephonyEvents[E]>) => {
    const set = listeners.get(event);
    if (!set) return;
    for (const handler of set) {
      try {
        (handler as unknown as (...values: Parameters<TelephonyEvents[E]>) => void)(...args);
      } catch (error) {
        log.error({ err: error, event }, 'telephony subscriber failed');
      }
    }
  };

  // ---- contacts: the card a call's client number belongs to --------------------------------
  const contactCache = new Map<string, { id: string | null; at: number }>();
  const contactLookups = new Set<string>();
  const latest = new Map<string, CallRecord>();
  const clientNumber = (call: CallRecord) => (call.direction === 'inbound' ? call.callerNumber : call.calledNumber);
  const withContact = (call: CallRecord): CallRecord => {
    const number = clientNumber(call);
    if (!number || call.contactId) return call;
    const cached = contactCache.get(number);
    if (cached && now() - cached.at < 60_000) return cached.id ? { ...call, contactId: cached.id } : call;
    lookUpContact(number);
    return call;
  };
  /** Calls in progress from or to these numbers without a card become calls of this card. */
  const linkCalls = (numbers: readonly string[], id: string) => {
    for (const [linkedid, call] of latest) {
      const number = clientNumber(call);
      if (call.contactId || !number || !numbers.includes(number)) continue;
      const updated = { ...call, contactId: id };
      latest.set(linkedid, updated);
      schedulePersist(linkedid);
      emit('call:changed', updated);
    }
  };
  /**
   * A card written in this process (created for an unknown caller, numbers edited, merged away):
   * what was cached about its numbers is stale, and a call in progress from a number that just got
   * its card is linked to it at once.
   */
  const onContactChange = ({ contactId, phones }: ContactChange) => {
    for (const [number, cached] of contactCache) if (cached.id === contactId || phones?.includes(number)) contactCache.delete(number);
    if (phones && phones.length > 0) linkCalls(phones, contactId);
  };
  const lookUpContact = (number: string) => {
    if (contactLookups.has(number)) return;
    contactLookups.add(number);
    // Shared with the screen-pop's read of the same caller, which starts at the same moment.
    findCardByNumber(options.connection, number)
      .then((doc) => {
        const id = doc ? String(doc._id) : null;
        if (contactCache.size > 10_000) contactCache.clear();
        contactCache.set(number, { id, at: now() });
        if (id) linkCalls([number], id);
      })
      .catch((error: Error) => log.warn({ err: error.message }, 'contact lookup failed'))
      .finally(() => contactLookups.delete(number));
  };

  // ---- persistence: coalesced, ordered, idempotent upserts ------------------------------------
  const dirty = new Set<string>();
  const removals = new Set<string>();
  let writing: Promise<void> | null = null;
  let flushTimer: NodeJS.Timeout | null = null;
  const schedulePersist = (linkedid: string) => {
    if (!repository) return;
    dirty.add(linkedid);
    if (!flushTimer && !writing) flushTimer = setTimeout(flush, 20);
  };
  const flush = () => {
    flushTimer = null;
    if (!repository || writing || (dirty.size === 0 && removals.size === 0)) return;
    const ids = [...dirty];
    dirty.clear();
    const gone = [...removals];
    removals.clear();
    const writes: CallWrite[] = [];
    for (const linkedid of ids) {
      const record = latest.get(linkedid);
      if (!record) continue;
      const state = record.active ? model.getState(linkedid) : null;
      writes.push({ record, state: state ? JSON.stringify(state) : null });
    }
    writing = (async () => {
      try {
        await repository.upsertMany(writes);
        for (const linkedid of gone) await repository.remove(linkedid);
        for (const write of writes) {
          // Ended calls need no memory once stored (unless changed again meanwhile).
          if (!write.record.active && !dirty.has(write.record.linkedid) && latest.get(write.record.linkedid) === write.record) latest.delete(write.record.linkedid);
        }
      } catch (error) {
        log.error({ err: (error as Error).message }, 'storing call records failed; will retry');
        for (const write of writes) dirty.add(write.record.linkedid);
        for (const linkedid of gone) removals.add(linkedid);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        writing = null;
        if (dirty.size > 0 || removals.size > 0) flushTimer = setTimeout(flush, 20);
      }
    })();
  };
  const flushed = async () => {
    for (let round = 0; round < 100; round += 1) {
      if (flushTimer) {
        clearTimeout(flushTimer);
        flushTimer = null;
        flush();
      }
      if (writing) await writing;
      else if (dirty.size > 0 || removals.size > 0) flush();
      else if (contactLookups.size > 0) await new Promise((resolve) => setTimeout(resolve, 10));
      else return;
    }
  };

  // ---- the models ---------------------------------------------------------------------------
  const board = new AgentBoard((status) => emit('agent:state', status));
  /** Click-to-calls waiting for their OriginateResponse; `unreported` is what they get if it never comes. */
  const originateWaiters = new Map<string, { resolve: (outcome: OriginateOutcome) => void; timer: NodeJS.Timeout; unreported: OriginateOutcome }>();
  const onEffect = (effect: CallEffect) => {
    switch (effect.type) {
      case 'call-changed': {
        const previous = latest.get(effect.call.linkedid);
        const call = withContact(previous?.contactId ? { ...effect.call, contactId: previous.contactId } : effect.call);
        latest.set(call.linkedid, call);
        schedulePersist(call.linkedid);
        emit('call:changed', call);
        if (!repository && !call.active && call.endedAt !== null && model.getState(call.linkedid)?.notified.ended) latest.delete(call.linkedid);
        return;
      }
      case 'agent-ringing':
        emit('agent:ringing', { extension: effect.extension, call: latest.get(effect.call.linkedid) ?? effect.call });
        return;
      case 'agent-answered':
        emit('agent:answered', { extension: effect.extension, call: latest.get(effect.call.linkedid) ?? effect.call });
        return;
      case 'call-ended':
        emit('call:ended', latest.get(effect.call.linkedid) ?? effect.call);
        // Without storage nothing else releases the record.
        if (!repository) latest.delete(effect.call.linkedid);
        return;
      case 'call-merged':
        latest.delete(effect.from);
        dirty.delete(effect.from);
        if (repository) {
          removals.add(effect.from);
          schedulePersist(effect.into);
        }
        emit('call:merged', { from: effect.from, into: effect.into });
        return;
      case 'agent-activity':
        board.activity(effect.extension, effect.activity === 'idle' ? 'idle' : effect.activity, effect.at);
        return;
      case 'agent-ring-no-answer':
        board.ringNoAnswer(effect.extension, effect.at);
        emit('agent:ring-no-answer', { extension: effect.extension, queue: effect.queue, callId: effect.callId, ringSeconds: effect.ringSeconds, at: new Date(effect.at).toISOString() });
        return;
      case 'originate-result': {
        const waiter = originateWaiters.get(effect.outcome.actionId);
        if (waiter) {
          clearTimeout(waiter.timer);
          originateWaiters.delete(effect.outcome.actionId);
          waiter.resolve(effect.outcome);
        }
        emit('originate:result', effect.outcome);
        return;
      }
    }
  };
  const model = new CallModel({ defaultCountry: options.defaultCountry, matchAgent, onEffect });

  const membershipFact = (event: Extract<PbxEvent, { kind: 'member-status' }>): MembershipFact | null => {
    const extension = memberExtension(matchAgent, event.member);
    if (!extension) return null;
    return { extension, queue: event.member.queue, device: deviceActivityFromStatus(event.status), paused: event.paused, pauseReason: event.pausedReason };
  };

  const ami = new AmiConnection({
    ...options.ami,
    logger: log,
    now,
    ...options.timings,
  });

  const metrics = options.metrics;
  const handleFrame = (frame: AmiFrame) => {
    const at = now();
    const result = normalizeAmiEvent(frame, at);
    // Only names we know become label values: a stream of made-up event names must not grow the metric without bound.
    if (metrics && typeof frame.event === 'string') metrics.amiEvents.inc({ event: result.ok || !result.problem ? frame.event : 'skipped' });
    if (!result.ok) {
      if (result.problem) ami.problem(result.problem.reason);
      return;
    }
    const event = result.event;
    switch (event.kind) {
      case 'member-status': {
        const fact = membershipFact(event);
        if (fact) board.membership(fact, at);
        else ami.problem('queue member that matches no agent extension', { member: event.member.memberName ?? event.member.iface });
        return;
      }
      case 'member-pause': {
        const extension = memberExtension(matchAgent, event.member);
        if (extension) board.pause(extension, event.member.queue, event.paused, event.pausedReason, at);
        return;
      }
      case 'member-removed': {
        const extension = memberExtension(matchAgent, event.member);
        if (extension) board.removed(extension, event.member.queue, at);
        return;
      }
      default:
        model.apply(event);
    }
  };
  ami.onFrame(handleFrame);

  // ---- resync ---------------------------------------------------------------------------------
  let lostAt: number | null = null;
  let resyncing: Promise<void> | null = null;
  const normalizeItems = (result: AmiListResult, at: number): PbxEvent[] => {
    const out: PbxEvent[] = [];
    for (const item of result.items) {
      const normalized = normalizeAmiEvent(item, at);
      if (normalized.ok) out.push(normalized.event);
    }
    return out;
  };
  /**
   * A list action's result. A refusal (an AMI user without the right to list) is an error, never an
   * empty list: an empty channel list would close every call, an empty QueueStatus log every agent out.
   */
  const list = async (fields: AmiFields, timeoutMs?: number): Promise<AmiListResult> => {
    const result = await ami.listAction(fields, timeoutMs);
    if (!result.ok) throw rejected(fields, result.message);
    return result;
  };
  const resync = async () => {
    const requestedAt = now();
    const [channels, status, summary] = await Promise.all([
      list({ action: 'CoreShowChannels' }, 30_000),
      list({ action: 'QueueStatus' }, 30_000),
      list({ action: 'QueueSummary' }, 30_000),
    ]);
    const at = now();
    const channelEvents = normalizeItems(channels, at).filter((event): event is Extract<PbxEvent, { kind: 'channel-snapshot' }> => event.kind === 'channel-snapshot');
    const statusEvents = normalizeItems(status, at);
    const facts: MembershipFact[] = [];
    for (const event of statusEvents) {
      if (event.kind !== 'member-status') continue;
      const fact = membershipFact(event);
      if (fact) facts.push(fact);
    }
    const entries = statusEvents.filter((event): event is Extract<PbxEvent, { kind: 'queue-entry' }> => event.kind === 'queue-entry');
    model.resync({ at, lostAt, requestedAt, channels: channelEvents, queueEntries: entries });
    // Who is on a call now, from the channels still up.
    const busy = new Set<string>();
    for (const event of channelEvents) {
      const extension = matchAgent(event.ch.channel);
      if (extension && event.ch.state === 6) busy.add(extension);
    }
    board.replaceMemberships(
      facts.map((fact) => (busy.has(fact.extension) ? { ...fact, device: 'on-call' } : fact)),
      at,
    );
    lostAt = null;
    log.info({ channels: channelEvents.length, members: facts.length, queues: normalizeItems(summary, at).length, activeCalls: model.activeStates().length }, 'AMI resync done');
  };
  let everUp = false;
  const runResync = () => {
    if (resyncing || !ami.isUp()) return;
    resyncing = resync()
      .catch((error: Error) => log.warn({ err: error.message }, 'AMI resync failed; it runs again on the next connect'))
      .finally(() => {
        resyncing = null;
      });
  };
  let resyncTimer: NodeJS.Timeout | null = null;
  let stopWatchingContacts: (() => void) | null = null;
  ami.onUp(() => {
    metrics?.amiConnected.set(1);
    if (everUp) metrics?.amiReconnects.inc();
    everUp = true;
    emit('connection:changed', statusOf());
    runResync();
  });
  ami.onDown(() => {
    metrics?.amiConnected.set(0);
    lostAt = now();
    emit('connection:changed', statusOf());
  });

  const statusOf = (): TelephonyStatus => {
    const up = ami.isUp();
    const detail = ami.detail();
    return up || !detail ? { mode, up } : { mode, up, detail };
  };

  // ---- actions --------------------------------------------------------------------------------
  const run = async (fields: AmiFields): Promise<void> => {
    const action = String(fields.action);
    try {
      const response = await ami.action(fields);
      metrics?.amiActions.inc({ action, result: response.ok ? 'ok' : 'rejected' });
      if (!response.ok) throw rejected(fields, response.message);
    } catch (error) {
      if (!(error instanceof AppError)) metrics?.amiActions.inc({ action, result: error instanceof AmiActionError ? error.code : 'failed' });
      throw toAppError(error);
    }
  };
  const iface = (extension: string) => memberTemplate.replaceAll('{ext}', extension);
  const checkExtension = (extension: string) => {
    if (!/^\d{2,8}$/.test(extension)) throw AppError.validation(`extension: must be 2–8 digits, got "${extension.slice(0, 16)}"`);
  };

  let started = false;
  const service: TelephonyService = {
    async start() {
      if (started) return;
      started = true;
      if (repository) {
        try {
          const states = (await repository.activeStates()) as CallState[];
          model.restore(states.filter((state) => state && typeof state === 'object' && typeof state.linkedid === 'string'));
          if (states.length > 0) log.info({ calls: states.length }, 'restored calls that were up before the restart');
        } catch (error) {
          log.warn({ err: (error as Error).message }, 'could not restore active calls; resync rebuilds them');
        }
      }
      stopWatchingContacts = contactChangesOf(options.connection).subscribe(onContactChange);
      ami.start();
      resyncTimer = setInterval(runResync, options.resyncIntervalMs ?? 300_000);
      resyncTimer.unref();
    },
    async stop() {
      if (!started) return;
      started = false;
      if (resyncTimer) clearInterval(resyncTimer);
      resyncTimer = null;
      stopWatchingContacts?.();
      stopWatchingContacts = null;
      await ami.stop();
      // Their OriginateResponse can no longer reach us: settle them now rather than leave a dial hanging.
      for (const waiter of originateWaiters.values()) {
        clearTimeout(waiter.timer);
        waiter.resolve(waiter.unreported);
      }
      originateWaiters.clear();
      await flushed();
    },
    close: () => service.stop(),
    status: statusOf,
    health: () => statusOf(),
    async originate({ extension, number, callerIdName, timeoutMs = 30_000 }) {
      checkExtension(extension);
      const e164 = toE164(number, options.defaultCountry);
      if (!e164 || e164.replace(/\D/g, '').length < 7) throw new AppError('INVALID_PHONE_NUMBER', { message: `"${number.slice(0, 32)}" is not a phone number we can dial`, status: 400 });
      if (!ami.isUp()) throw new AppError('TELEPHONY_UNAVAILABLE', { message: 'The phone system is not connected', status: 503 });
      const actionId = ami.nextActionId();
      model.expectOriginate(actionId, extension, e164, now());
      let resolveOutcome!: (outcome: OriginateOutcome) => void;
      const outcome = new Promise<OriginateOutcome>((resolve) => (resolveOutcome = resolve));
      const unreported: OriginateOutcome = { actionId, extension, number: e164, success: false, reason: null, result: 'failed', explanation: 'The phone system did not report how the call went', callId: null };
      const timer = setTimeout(() => {
        originateWaiters.delete(actionId);
        model.forgetOriginate(actionId);
        resolveOutcome(unreported);
      }, timeoutMs + 15_000);
      timer.unref();
      originateWaiters.set(actionId, { resolve: resolveOutcome, timer, unreported });
      const safeName = (callerIdName ?? e164).replace(/["<>\r\n]/g, '').slice(0, 64);
      try {
        await run({
          action: 'Originate',
          actionid: actionId,
          channel: dialTemplate.replaceAll('{ext}', extension),
          context: originateContext,
          exten: e164,
          priority: 1,
          callerid: `"${safeName}" <${e164}>`,
          timeout: timeoutMs,
          async: 'true',
        });
      } catch (error) {
        clearTimeout(timer);
        originateWaiters.delete(actionId);
        // Refused (or never written): it will not run. After a timeout or a lost link it still may.
        const mayStillRun = error instanceof AppError && (error.code === 'TELEPHONY_TIMEOUT' || error.code === 'TELEPHONY_UNAVAILABLE');
        if (!mayStillRun) model.forgetOriginate(actionId);
        throw error;
      }
      return { actionId, outcome };
    },
    async queuePause({ extension, queue, paused, reason }) {
      checkExtension(extension);
      await run({ action: 'QueuePause', interface: iface(extension), queue, paused: paused ? 'true' : 'false', reason: paused ? reason?.replace(/[\r\n]/g, ' ').slice(0, 80) : undefined });
    },
    async queueAdd({ extension, queue, paused, penalty }) {
      checkExtension(extension);
      await run({ action: 'QueueAdd', queue, interface: iface(extension), membername: `Agent ${extension}`, stateinterface: `Custom:agent${extension}`, paused: paused ? 'true' : 'false', penalty: penalty ?? 0 });
    },
    async queueRemove({ extension, queue }) {
      checkExtension(extension);
      await run({ action: 'QueueRemove', queue, interface: iface(extension) });
    },
    async queueStatus(input = {}) {
      try {
        const [status, summary] = await Promise.all([
          list({ action: 'QueueStatus', queue: input.queue }),
          list({ action: 'QueueSummary', queue: input.queue }),
        ]);
        const at = now();
        const queues = new Map<string, QueueSnapshot>();
        const queueOf = (name: string) => {
          let snapshot = queues.get(name);
          if (!snapshot) {
            snapshot = { name, waiting: 0, completed: null, abandoned: null, serviceLevelSeconds: null, loggedIn: null, available: null, longestWaitSeconds: null, members: [], entries: [] };
            queues.set(name, snapshot);
          }
          return snapshot;
        };
        for (const event of [...normalizeItems(status, at), ...normalizeItems(summary, at)]) {
          if (event.kind === 'queue-params') Object.assign(queueOf(event.queue), { waiting: event.calls ?? 0, completed: event.completed, abandoned: event.abandoned, serviceLevelSeconds: event.serviceLevelSeconds });
          if (event.kind === 'queue-summary') Object.assign(queueOf(event.queue), { loggedIn: event.loggedIn, available: event.available, longestWaitSeconds: event.longestHoldSeconds });
          if (event.kind === 'member-status') {
            const fact = membershipFact(event);
            if (fact) queueOf(event.member.queue).members.push({ extension: fact.extension, paused: Boolean(fact.paused), pauseReason: fact.paused ? fact.pauseReason : null, state: board.get(fact.extension)?.state ?? 'offline' });
          }
          if (event.kind === 'queue-entry') {
            queueOf(event.queue).entries.push({ position: event.position, callId: event.ch.linkedid, callerNumber: toE164(event.ch.callerNum, options.defaultCountry), waitSeconds: event.waitSeconds });
          }
        }
        return [...queues.values()];
      } catch (error) {
        throw toAppError(error);
      }
    },
    async coreShowChannels() {
      try {
        const result = await list({ action: 'CoreShowChannels' });
        const at = now();
        return normalizeItems(result, at).flatMap((event) =>
          event.kind === 'channel-snapshot'
            ? [{
                callId: model.getCall(event.ch.linkedid)?.id ?? event.ch.linkedid,
                channelId: event.ch.uniqueid,
                channel: event.ch.channel,
                state: CHANNEL_STATES[event.ch.state] ?? 'other',
                callerNumber: toE164(event.ch.callerNum, options.defaultCountry),
                durationSeconds: event.durationSeconds,
                application: event.application,
                bridged: event.bridgeId !== null,
              }]
            : [],
        );
      } catch (error) {
        throw toAppError(error);
      }
    },
    async hangup({ callId }) {
      const state = model.getState(callId);
      const leg = state ? Object.values(state.legs).find((item) => item.hungUpAt === null) : undefined;
      if (!state || state.endedAt !== null || !leg) throw AppError.notFound('Active call');
      await run({ action: 'Hangup', channel: leg.channel, cause: 16 });
    },
    async simPhone(extension, command) {
      if (mode !== 'simulator') throw new AppError(PHONE_CONTROL_UNAVAILABLE, { message: 'Phones are controlled from the console only with the built-in PBX simulator; use your desk or soft phone', status: 409 });
      checkExtension(extension);
      await run({ action: 'SimPhone', extension, command });
    },
    // The record last handed out (it carries the contact); derived only for calls restored and not yet changed.
    activeCalls: () => model.activeStates().map((state) => latest.get(state.linkedid) ?? model.derive(state)),
    activeCall: (callId) => {
      const state = model.getState(callId);
      return state && state.endedAt === null ? (latest.get(state.linkedid) ?? model.derive(state)) : null;
    },
    setWrapUp: (extension, active) => board.wrapUp(extension, active, now()),
    agentStates: () => board.list(),
    agentState: (extension) => board.get(extension),
    ringNoAnswerCount: (extension) => board.ringNoAnswerCount(extension),
    on(event, handler) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(handler as (...args: never[]) => void);
      return () => set.delete(handler as (...args: never[]) => void);
    },
    async flushed() {
      if (resyncing) await resyncing;
      await flushed();
    },
  };
  return service;
}

function rejected(fields: AmiFields, message: string | null): AppError {
  return new AppError('TELEPHONY_REJECTED', { message: `The PBX refused ${String(fields.action)}: ${message ?? 'no reason given'}`, status: 409 });
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof AmiActionError) {
    if (error.code === 'timeout') return new AppError('TELEPHONY_TIMEOUT', { message: 'The phone system did not answer in time', status: 504, cause: error });
    if (error.code === 'invalid') return AppError.validation(error.message);
    return new AppError('TELEPHONY_UNAVAILABLE', { message: 'The phone system is not connected', status: 503, cause: error });
  }
  return new AppError('TELEPHONY_FAILED', { message: 'The phone system request failed', status: 502, cause: error });
}

