/**
 * The call model: folds typed PBX events into one record per call. Pure and I/O-free — time comes
 * in on each event, results go out through `onEffect` — so every quirk of Asterisk's event stream
 * is pinned by a unit test without a socket or a database.
 *
 * A call is keyed by Linkedid (the Uniqueid of the channel that started it); its legs are keyed by
 * Uniqueid. The record is DERIVED from the facts gathered so far rather than updated step by
 * step, so repeated events (DialEnd twice) and out-of-order events (OriginateResponse before or
 * after DialEnd) give the same record.
 */
import type { CallDirection, CallRecord, CallResult } from '@crm/shared';
import { memberExtension, type AgentMatcher } from './agent-identity.js';
import type { ChannelRef, MemberRef, PbxEvent } from './ami-events.js';
import { toE164 } from './phone-number.js';

type LegRole = 'origin' | 'queue-caller' | 'member' | 'agent-device' | 'customer' | 'other';

interface Leg {
  uniqueid: string;
  channel: string;
  callerNum: string | null;
  callerName: string | null;
  exten: string | null;
  /** The extension when this leg is an agent's device (or a half of one). */
  agent: string | null;
  role: LegRole;
  dialedAt: number | null;
  dialedBy: string | null;
  dialString: string | null;
  dialStatus: string | null;
  /** The caller-ID the dialed party was shown (outbound: our presented number). */
  presentedNum: string | null;
  answeredAt: number | null;
  hungUpAt: number | null;
  cause: number | null;
}

/** Everything known about one call; JSON-safe so it can be persisted and restored after a restart. */
export interface CallState {
  linkedid: string;
  aliases: string[];
  legs: Record<string, Leg>;
  startedAt: number;
  lastEventAt: number;
  queue: string | null;
  queueCallerNum: string | null;
  queuedAt: number | null;
  queueLeftAt: number | null;
  ringing: Array<{ extension: string; leg: string | null; at: number }>;
  agentExtension: string | null;
  connectedAt: number | null;
  connectHoldSeconds: number | null;
  completedAt: number | null;
  completeHoldSeconds: number | null;
  completeTalkSeconds: number | null;
  completeReason: string | null;
  abandonedAt: number | null;
  abandonHoldSeconds: number | null;
  originatorAgent: string | null;
  originate: { actionId: string; number: string | null; success: boolean | null; reason: number | null } | null;
  customerAnsweredAt: number | null;
  cdrTalkSeconds: number | null;
  endedAt: number | null;
  endedDuringOutage: boolean;
  notified: { ended: boolean; ringing: string[]; answered: string[] };
}

export type AgentActivity = 'ringing' | 'on-call' | 'idle';

export interface OriginateOutcome {
  actionId: string;
  extension: string;
  number: string;
  success: boolean;
  /** Asterisk's OriginateResponse reason code (0, 1, 3, 4, 5, 8). */
  reason: number | null;
  result: CallResult | null;
  explanation: string;
  callId: string | null;
}

export type CallEffect =
  | { type: 'call-changed'; call: CallRecord }
  | { type: 'agent-ringing'; extension: string; call: CallRecord }
  | { type: 'agent-answered'; extension: string; call: CallRecord }
  | { type: 'call-ended'; call: CallRecord }
  | { type: 'call-merged'; from: string; into: string }
  | { type: 'agent-activity'; extension: string; activity: AgentActivity; at: number }
  | { type: 'agent-ring-no-answer'; extension: string; queue: string; callId: string; ringSeconds: number | null; at: number }
  | { type: 'originate-result'; outcome: OriginateOutcome };

export interface CallModelOptions {
  defaultCountry: string;
  matchAgent: AgentMatcher;
  onEffect: (effect: CallEffect) => void;
  /** How many ended calls stay in memory to absorb late events (Cdr after the last Hangup). */
  keepEnded?: number;
}

const ORIGINATE_REASONS: Record<number, { result: CallResult | null; explanation: string }> = {
  0: { result: 'failed', explanation: 'The call could not be placed (no such device or dialplan error)' },
  1: { result: 'unavailable', explanation: "The agent's phone hung up or is unavailable" },
  3: { result: 'no-answer', explanation: "The agent's phone rang but was not answered" },
  4: { result: null, explanation: "The agent answered; dialling the client" },
  5: { result: 'busy', explanation: "The agent's phone is busy or rejected the call" },
  8: { result: 'unavailable', explanation: 'The line is congested or the device is not reachable' },
};

export function explainOriginateReason(reason: number | null): { result: CallResult | null; explanation: string } {
  return ORIGINATE_REASONS[reason ?? 0] ?? { result: 'failed', explanation: `The call failed (reason ${reason})` };
}

function dialStatusResult(status: string, direction: CallDirection): CallResult {
  switch (status) {
    case 'ANSWER':
      return 'answered';
    case 'BUSY':
      return 'busy';
    case 'NOANSWER':
      return 'no-answer';
    case 'CHANUNAVAIL':
    case 'CONGESTION':
      return 'unavailable';
    case 'CANCEL':
      return direction === 'inbound' ? 'abandoned' : 'no-answer';
    default:
      return 'failed';
  }
}

/**
 * `+73432001122@customers`, `PJSIP/trunk/+7343…`, `Local/+7…@customers/n` → the number part.
 * PJSIP dials an endpoint at a URI (`7002/sip:7002@203.0.113.10:5063`, FreePBX): the URI's user part.
 */
function numberFromDialString(dialString: string | null): string | null {
  if (!dialString) return null;
  let value = dialString;
  const at = value.indexOf('@');
  if (at >= 0) value = value.slice(0, at);
  const slash = value.lastIndexOf('/');
  if (slash >= 0) value = value.slice(slash + 1);
  value = value.replace(/^(?:sips?|tel):/i, '');
  return value || null;
}

function sibling(channel: string): string {
  const semi = channel.lastIndexOf(';');
  return semi >= 0 ? channel.slice(0, semi) : channel;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function sameRecord(a: CallRecord, b: CallRecord): boolean {
  for (const key in a) {
    const left = a[key as keyof CallRecord];
    const right = b[key as keyof CallRecord];
    if (Array.isArray(left) && Array.isArray(right)) {
      if (left.length !== right.length || left.some((value, index) => value !== right[index])) return false;
    } else if (left !== right) return false;
  }
  return true;
}

export class CallModel {
  private readonly calls = new Map<string, CallState>();
  /** Linkedid (primary or merged alias) → call. */
  private readonly byLinkedid = new Map<string, CallState>();
  private readonly byLeg = new Map<string, CallState>();
  private readonly byChannel = new Map<string, string>();
  private readonly lastEmitted = new Map<string, CallRecord>();
  private readonly ended: string[] = [];
  private readonly pendingOriginates = new Map<string, { actionId: string; extension: string; number: string; at: number; callLinkedid: string | null }>();
  private readonly e164Cache = new Map<string, string | null>();
  private readonly touched = new Set<CallState>();
  private readonly keepEnded: number;

  constructor(private readonly options: CallModelOptions) {
    this.keepEnded = options.keepEnded ?? 500;
  }

  /** Calls still up, as records. */
  activeCalls(): CallRecord[] {
    const out: CallRecord[] = [];
    for (const call of this.calls.values()) if (call.endedAt === null) out.push(this.derive(call));
    return out;
  }

  activeStates(): CallState[] {
    return [...this.calls.values()].filter((call) => call.endedAt === null);
  }

  getCall(linkedid: string): CallRecord | null {
    const call = this.byLinkedid.get(linkedid);
    return call ? this.derive(call) : null;
  }

  getState(linkedid: string): CallState | null {
    return this.byLinkedid.get(linkedid) ?? null;
  }

  /** Our own Originate was sent: the legs it creates belong to an outbound call to `number`. */
  expectOriginate(actionId: string, extension: string, number: string, at: number): void {
    this.pendingOriginates.set(actionId, { actionId, extension, number, at, callLinkedid: null });
    if (this.pendingOriginates.size > 1000) {
      const oldest = this.pendingOriginates.keys().next().value;
      if (oldest !== undefined) this.pendingOriginates.delete(oldest);
    }
  }

  /**
   * An Originate that will never run (the PBX refused it) or was given up on: the agent's next
   * call from their own phone must not be taken for it (and shown with its number).
   */
  forgetOriginate(actionId: string): void {
    this.pendingOriginates.delete(actionId);
  }

  /** Puts back calls that were active before a restart (their persisted state). */
  restore(states: CallState[]): void {
    for (const state of states) {
      if (this.byLinkedid.has(state.linkedid)) continue;
      this.index(state);
      this.lastEmitted.set(state.linkedid, this.derive(state));
    }
  }

  apply(event: PbxEvent): void {
    switch (event.kind) {
      case 'channel':
        this.track(event.ch, event.at, true);
        break;
      case 'dial-begin':
        this.onDialBegin(event.caller, event.dest, event.dialString, event.at);
        break;
      case 'dial-end':
        this.onDialEnd(event.caller, event.dest, event.dialStatus, event.at);
        break;
      case 'hangup':
        this.onHangup(event.ch, event.cause, event.at);
        break;
      case 'queue-join': {
        const call = this.track(event.ch, event.at, true);
        if (!call) break;
        const leg = call.legs[event.ch.uniqueid];
        if (leg && leg.role !== 'origin') leg.role = 'queue-caller';
        call.queue ??= event.queue;
        call.queuedAt ??= event.at;
        call.queueCallerNum ??= event.ch.callerNum;
        break;
      }
      case 'queue-leave': {
        const call = this.track(event.ch, event.at, false);
        if (call) call.queueLeftAt ??= event.at;
        break;
      }
      case 'queue-abandon': {
        const call = this.track(event.ch, event.at, false);
        if (!call) break;
        call.queue ??= event.queue;
        call.abandonedAt ??= event.at;
        call.abandonHoldSeconds ??= event.holdSeconds;
        break;
      }
      case 'agent-called':
        this.onAgentCalled(event.caller, event.dest, event.member, event.at);
        break;
      case 'agent-connect':
        this.onAgentConnect(event.caller, event.dest, event.member, event.holdSeconds, event.at);
        break;
      case 'agent-ring-no-answer': {
        const call = this.track(event.caller ?? event.dest, event.at, false);
        if (event.dest && call) this.trackMember(call, event.dest, event.member, event.at);
        const extension = this.memberExtension(event.member);
        if (call && extension) {
          this.options.onEffect({ type: 'agent-ring-no-answer', extension, queue: event.member.queue, callId: call.linkedid, ringSeconds: event.ringSeconds, at: event.at });
          this.options.onEffect({ type: 'agent-activity', extension, activity: 'idle', at: event.at });
        }
        break;
      }
      case 'agent-complete':
        this.onAgentComplete(event, event.at);
        break;
      case 'originate-response':
        this.onOriginateResponse(event);
        break;
      case 'cdr':
        this.onCdr(event.uniqueid, event.disposition, event.billableSeconds, event.at);
        break;
      default:
        return;
    }
    this.flush();
  }

  /**
   * Reconciles with what the PBX reports after a (re)connect. Calls we knew that have no channel
   * left ended while we were away: they are closed at `lostAt` (the last moment we saw them)
   * and marked. Channels we did not know start calls with the best times we can infer.
   */
  resync(snapshot: ResyncSnapshot): void {
    const { channels, queueEntries, at, lostAt, requestedAt } = snapshot;
    const liveLinkedids = new Set<string>();
    const liveUniqueids = new Set<string>();
    for (const item of channels) {
      liveLinkedids.add(item.ch.linkedid);
      liveUniqueids.add(item.ch.uniqueid);
    }
    for (const call of [...this.calls.values()]) {
      if (call.endedAt !== null) continue;
      // Events after the snapshot was asked for are newer than the snapshot: that call speaks for itself.
      if (requestedAt !== undefined && call.lastEventAt >= requestedAt) continue;
      const alive =
        liveLinkedids.has(call.linkedid) ||
        call.aliases.some((alias) => liveLinkedids.has(alias)) ||
        Object.keys(call.legs).some((uniqueid) => liveUniqueids.has(uniqueid));
      if (alive) continue;
      // The best known end: when we lost sight of it (after a restart: the last event we stored).
      const endedAt = lostAt === null ? call.lastEventAt : Math.max(call.lastEventAt, Math.min(lostAt, at));
      for (const leg of Object.values(call.legs)) if (leg.hungUpAt === null) leg.hungUpAt = endedAt;
      call.endedAt = endedAt;
      call.endedDuringOutage = true;
      this.touched.add(call);
    }
    // Channels we do not know: oldest first, so the originating channel comes first.
    const ordered = [...channels].sort((a, b) => (b.durationSeconds ?? 0) - (a.durationSeconds ?? 0));
    for (const item of ordered) {
      const known = this.byLeg.get(item.ch.uniqueid);
      if (known && known.endedAt === null) {
        this.upsertLeg(known, item.ch, at);
        continue;
      }
      if (known) continue;
      const startedAt = at - (item.durationSeconds ?? 0) * 1000;
      const call = this.track(item.ch, startedAt, true);
      if (!call) continue;
      call.startedAt = Math.min(call.startedAt, startedAt);
      const leg = call.legs[item.ch.uniqueid];
      if (leg && item.application === 'Queue' && item.applicationData) {
        call.queue ??= item.applicationData.split(',')[0] ?? null;
        call.queueCallerNum ??= item.ch.callerNum;
        call.queuedAt ??= startedAt;
      }
    }
    for (const entry of queueEntries) {
      const call = this.byLeg.get(entry.ch.uniqueid) ?? this.byLinkedid.get(entry.ch.linkedid);
      if (!call || call.endedAt !== null) continue;
      call.queue ??= entry.queue;
      call.queueCallerNum ??= entry.ch.callerNum;
      if (call.queuedAt === null && entry.waitSeconds !== null) call.queuedAt = at - entry.waitSeconds * 1000;
      this.touched.add(call);
    }
    // A bridged agent leg in an unknown queue call means an agent is talking to it.
    for (const item of channels) {
      if (!item.bridgeId) continue;
      const call = this.byLeg.get(item.ch.uniqueid);
      if (!call || call.endedAt !== null) continue;
      const leg = call.legs[item.ch.uniqueid];
      if (leg?.agent && call.queue && call.agentExtension === null) {
        call.agentExtension = leg.agent;
        call.connectedAt ??= at - (item.durationSeconds ?? 0) * 1000;
        this.touched.add(call);
      }
    }
    this.flush();
  }

  // ---- event handlers -------------------------------------------------------------------

  private onDialBegin(caller: ChannelRef | null, dest: ChannelRef, dialString: string | null, at: number): void {
    const call = this.track(caller ?? dest, at, true);
    if (!call) return;
    if (caller) this.track(dest, at, true);
    const leg = call.legs[dest.uniqueid];
    if (!leg) return;
    leg.dialedAt ??= at;
    leg.dialedBy ??= caller?.uniqueid ?? null;
    leg.dialString ??= dialString;
    const callerLeg = caller ? call.legs[caller.uniqueid] : undefined;
    if (!caller) {
      // An originate: the first leg dialed with nobody dialing it.
      if (leg.agent) {
        call.originatorAgent ??= leg.agent;
        this.claimOriginate(call, leg.agent);
        this.ring(call, leg.agent, leg.uniqueid, at);
      }
      return;
    }
    if (leg.role === 'member') return;
    if (leg.agent && !call.queue) {
      // A direct dial to an agent's device (not through a queue).
      leg.role = 'agent-device';
      // The dialing agent: the caller leg's, or (through a Local hop of the dialplan) the one whose phone started the call.
      const fromAgent = callerLeg?.agent ?? call.originatorAgent;
      // A Local half reaching its own agent's device (a click-to-call on PJSIP phones): that phone already rang.
      if (fromAgent === leg.agent) return;
      if (fromAgent) {
        // From a colleague's phone: an internal call, the caller's outbound call to this extension.
        // The caller's phone is off the hook (busy) while the colleague's rings.
        call.originatorAgent ??= fromAgent;
        this.options.onEffect({ type: 'agent-activity', extension: fromAgent, activity: 'on-call', at });
        // A colleague already on (or rung for) another call is not popped over it: their phone
        // answers BUSY, or with call waiting the answer brings them onto this call.
        if (this.busyElsewhere(leg.agent, call)) return;
      }
      this.ring(call, leg.agent, leg.uniqueid, at);
      return;
    }
    if (!leg.agent && (callerLeg?.agent || call.originatorAgent)) {
      leg.role = 'customer';
      leg.presentedNum ??= dest.callerNum;
    }
  }

  private onDialEnd(caller: ChannelRef | null, dest: ChannelRef, status: string, at: number): void {
    const call = this.track(caller ?? dest, at, false);
    if (!call) return;
    const leg = call.legs[dest.uniqueid];
    if (!leg) return;
    const isFirstStatus = leg.dialStatus === null;
    // DialEnd can come twice (NOANSWER then CANCEL, or CANCEL twice): the first real status wins.
    if (leg.dialStatus === null || (leg.dialStatus === 'CANCEL' && status !== 'CANCEL')) leg.dialStatus = status;
    const callee = this.internalCallee(call, leg);
    if (status !== 'ANSWER') {
      // A colleague's phone that stops ringing (no answer, busy, the caller gave up) is free again.
      if (callee && isFirstStatus && leg.answeredAt === null && !this.busyElsewhere(callee, call)) {
        this.markTouched(call, at);
        this.options.onEffect({ type: 'agent-activity', extension: callee, activity: 'idle', at });
      }
      return;
    }
    leg.answeredAt ??= at;
    if (!caller && leg.agent) {
      // The agent picked up an originate: their device is now busy with this call.
      this.options.onEffect({ type: 'agent-activity', extension: leg.agent, activity: 'on-call', at });
      return;
    }
    if (leg.role === 'customer' || (leg.role === 'agent-device' && call.originatorAgent && !call.queue)) {
      if (leg.agent && !callee) this.options.onEffect({ type: 'agent-activity', extension: leg.agent, activity: 'on-call', at });
      const isFirstAnswer = call.customerAnsweredAt === null;
      call.customerAnsweredAt ??= at;
      const agent = call.originatorAgent;
      if (isFirstAnswer && agent) this.answered(call, agent, at);
      // The colleague picked up: both agents are on the call.
      if (callee) this.answered(call, callee, at);
      return;
    }
    if (leg.role === 'agent-device' && leg.agent && !call.queue) {
      call.agentExtension ??= leg.agent;
      call.connectedAt ??= at;
      this.answered(call, leg.agent, at);
    }
  }

  private onHangup(ch: ChannelRef, cause: number | null, at: number): void {
    const call = this.byLeg.get(ch.uniqueid) ?? this.byLinkedid.get(ch.linkedid);
    // A hangup of a channel we never saw does not start a call.
    if (!call) return;
    const leg = this.upsertLeg(call, ch, at);
    if (leg.hungUpAt === null) {
      leg.hungUpAt = at;
      leg.cause = cause;
      if (leg.agent && !this.agentStillOnCall(call, leg.agent) && !(this.isInternalCallee(call, leg.agent) && this.busyElsewhere(leg.agent, call))) {
        this.options.onEffect({ type: 'agent-activity', extension: leg.agent, activity: 'idle', at });
      }
    }
    if (call.endedAt === null && Object.values(call.legs).every((item) => item.hungUpAt !== null)) {
      call.endedAt = at;
    }
  }

  private onAgentCalled(caller: ChannelRef | null, dest: ChannelRef | null, member: MemberRef, at: number): void {
    const call = this.track(caller ?? dest, at, true);
    if (!call) return;
    call.queue ??= member.queue;
    const extension = this.memberExtension(member);
    if (dest) this.trackMember(call, dest, member, at);
    if (extension) this.ring(call, extension, dest?.uniqueid ?? null, at);
  }

  private onAgentConnect(caller: ChannelRef | null, dest: ChannelRef | null, member: MemberRef, holdSeconds: number | null, at: number): void {
    const call = this.track(caller ?? dest, at, false);
    if (!call) return;
    call.queue ??= member.queue;
    if (dest) this.trackMember(call, dest, member, at);
    const extension = this.memberExtension(member);
    call.connectHoldSeconds ??= holdSeconds;
    call.connectedAt ??= at;
    if (extension) {
      call.agentExtension ??= extension;
      this.answered(call, extension, at);
    }
  }

  private onAgentComplete(event: Extract<PbxEvent, { kind: 'agent-complete' }>, at: number): void {
    const extension = this.memberExtension(event.member);
    // Without the caller's snapshot, find the call through the member's channel, then its interface.
    let call = event.caller ? (this.byLinkedid.get(event.caller.linkedid) ?? this.byLeg.get(event.caller.uniqueid)) : undefined;
    if (!call && event.dest) call = this.byLeg.get(event.dest.uniqueid) ?? this.byLinkedid.get(event.dest.linkedid);
    if (!call && event.dest) {
      const uniqueid = this.byChannel.get(event.dest.channel);
      if (uniqueid) call = this.byLeg.get(uniqueid);
    }
    if (!call && extension) call = this.latestCallOfAgent(extension);
    if (!call) return;
    this.markTouched(call, at);
    call.queue ??= event.member.queue;
    if (extension) call.agentExtension ??= extension;
    call.connectedAt ??= at;
    call.completedAt ??= at;
    call.completeHoldSeconds ??= event.holdSeconds;
    call.completeTalkSeconds ??= event.talkSeconds;
    call.completeReason ??= event.reason;
    if (extension) this.options.onEffect({ type: 'agent-activity', extension, activity: 'idle', at });
  }

  private onOriginateResponse(event: Extract<PbxEvent, { kind: 'originate-response' }>): void {
    const pending = event.actionId ? this.pendingOriginates.get(event.actionId) : undefined;
    let call = event.uniqueid ? this.byLeg.get(event.uniqueid) : undefined;
    if (!call && pending?.callLinkedid) call = this.byLinkedid.get(pending.callLinkedid);
    if (!call && pending && !event.success) call = this.findUnclaimedOriginate(pending.extension, pending.at);
    if (!pending) {
      // Someone else's Originate (another AMI client): only a failure says something about the call.
      if (call && !event.success) {
        call.originate ??= { actionId: event.actionId ?? '', number: null, success: false, reason: event.reason };
        this.markTouched(call, event.at);
        this.flush();
      }
      return;
    }
    this.pendingOriginates.delete(pending.actionId);
    if (!call && !event.success) {
      // No channel ever came up (unknown device, congestion): the attempt is still a call record.
      const linkedid = `originate-${pending.actionId}`;
      call = this.newCall(linkedid, event.at);
      call.originatorAgent = pending.extension;
    }
    if (call) {
      call.originate = { actionId: pending.actionId, number: pending.number, success: event.success, reason: event.reason };
      call.originatorAgent ??= pending.extension;
      if (!event.success && Object.values(call.legs).every((leg) => leg.hungUpAt !== null)) call.endedAt ??= event.at;
      this.markTouched(call, event.at);
    }
    const explained = explainOriginateReason(event.success ? 4 : event.reason);
    this.flush();
    this.options.onEffect({
      type: 'originate-result',
      outcome: {
        actionId: pending.actionId,
        extension: pending.extension,
        number: pending.number,
        success: event.success,
        reason: event.reason,
        result: event.success ? null : explained.result,
        explanation: explained.explanation,
        callId: call?.linkedid ?? null,
      },
    });
  }

  private onCdr(uniqueid: string, disposition: string | null, billableSeconds: number | null, at: number): void {
    const call = this.byLeg.get(uniqueid);
    if (!call || disposition !== 'ANSWERED' || billableSeconds === null) return;
    const leg = call.legs[uniqueid];
    if (!leg) return;
    // Outbound talk time is what the client's side of the line billed.
    const customer = Object.values(call.legs).find((item) => item.role === 'customer' && item.dialStatus === 'ANSWER');
    if (!customer) return;
    if (leg.uniqueid === customer.uniqueid || sibling(leg.channel) === sibling(customer.channel)) {
      call.cdrTalkSeconds = billableSeconds;
      this.markTouched(call, at);
    }
  }

  // ---- bookkeeping ----------------------------------------------------------------------

  private memberExtension(member: MemberRef): string | null {
    return memberExtension(this.options.matchAgent, member);
  }

  private trackMember(call: CallState, dest: ChannelRef, member: MemberRef, at: number): void {
    const leg = this.upsertLeg(call, dest, at);
    leg.role = 'member';
    leg.agent ??= this.memberExtension(member);
  }

  private ring(call: CallState, extension: string, legId: string | null, at: number): void {
    if (call.ringing.some((ring) => ring.extension === extension && ring.leg === legId)) return;
    call.ringing.push({ extension, leg: legId, at });
    this.options.onEffect({ type: 'agent-activity', extension, activity: 'ringing', at });
    this.touched.add(call);
    this.options.onEffect({ type: 'agent-ringing', extension, call: this.flushed(call) });
  }

  private answered(call: CallState, extension: string, at: number): void {
    this.options.onEffect({ type: 'agent-activity', extension, activity: 'on-call', at });
    if (call.notified.answered.includes(extension)) return;
    call.notified.answered.push(extension);
    this.touched.add(call);
    this.options.onEffect({ type: 'agent-answered', extension, call: this.flushed(call) });
  }

  /** Flushes pending changes and returns the call's current record (flush just derived it: no second derive). */
  private flushed(call: CallState): CallRecord {
    this.flush();
    return this.lastEmitted.get(call.linkedid) ?? this.derive(call);
  }

  /**
   * The extension a leg rings when it is a colleague's device dialed from an agent's phone (an
   * internal call), else null. An agent's own device reached through a Local half is not one.
   */
  private internalCallee(call: CallState, leg: Leg): string | null {
    if (leg.role !== 'agent-device' || !leg.agent || call.queue || !leg.dialedBy) return null;
    const from = call.legs[leg.dialedBy]?.agent ?? call.originatorAgent;
    return from && from !== leg.agent ? leg.agent : null;
  }

  private isInternalCallee(call: CallState, extension: string): boolean {
    return Object.values(call.legs).some((leg) => this.internalCallee(call, leg) === extension);
  }

  /** The agent has a leg up in another call that is still up (talking, or rung for it). */
  private busyElsewhere(extension: string, call: CallState): boolean {
    for (const other of this.calls.values()) {
      if (other === call || other.endedAt !== null) continue;
      if (this.agentStillOnCall(other, extension)) return true;
    }
    return false;
  }

  private agentStillOnCall(call: CallState, extension: string): boolean {
    return Object.values(call.legs).some((leg) => leg.agent === extension && leg.hungUpAt === null);
  }

  private latestCallOfAgent(extension: string): CallState | undefined {
    let best: CallState | undefined;
    for (const call of this.calls.values()) {
      if (call.agentExtension !== extension || call.completedAt !== null) continue;
      if (!best || call.startedAt > best.startedAt) best = call;
    }
    return best;
  }

  private claimOriginate(call: CallState, extension: string): void {
    if (call.originate) return;
    for (const pending of this.pendingOriginates.values()) {
      if (pending.extension === extension && pending.callLinkedid === null) {
        pending.callLinkedid = call.linkedid;
        call.originate = { actionId: pending.actionId, number: pending.number, success: null, reason: null };
        return;
      }
    }
  }

  private findUnclaimedOriginate(extension: string, since: number): CallState | undefined {
    for (const call of this.calls.values()) {
      if (call.originatorAgent === extension && call.startedAt >= since - 1000 && call.originate?.success == null) return call;
    }
    return undefined;
  }

  private newCall(linkedid: string, at: number): CallState {
    const call: CallState = {
      linkedid,
      aliases: [],
      legs: {},
      startedAt: at,
      lastEventAt: at,
      queue: null,
      queueCallerNum: null,
      queuedAt: null,
      queueLeftAt: null,
      ringing: [],
      agentExtension: null,
      connectedAt: null,
      connectHoldSeconds: null,
      completedAt: null,
      completeHoldSeconds: null,
      completeTalkSeconds: null,
      completeReason: null,
      abandonedAt: null,
      abandonHoldSeconds: null,
      originatorAgent: null,
      originate: null,
      customerAnsweredAt: null,
      cdrTalkSeconds: null,
      endedAt: null,
      endedDuringOutage: false,
      notified: { ended: false, ringing: [], answered: [] },
    };
    this.index(call);
    return call;
  }

  private index(call: CallState): void {
    this.calls.set(call.linkedid, call);
    this.byLinkedid.set(call.linkedid, call);
    for (const alias of call.aliases) this.byLinkedid.set(alias, call);
    for (const leg of Object.values(call.legs)) {
      this.byLeg.set(leg.uniqueid, call);
      this.byChannel.set(leg.channel, leg.uniqueid);
    }
    this.touched.add(call);
  }

  private markTouched(call: CallState, at: number): void {
    if (at > call.lastEventAt) call.lastEventAt = at;
    this.touched.add(call);
  }

  /** The call a channel belongs to (creating it when allowed), merging calls when its Linkedid changed. */
  private track(ch: ChannelRef | null, at: number, create: boolean): CallState | null {
    if (!ch) return null;
    const byLink = this.byLinkedid.get(ch.linkedid);
    const byLeg = this.byLeg.get(ch.uniqueid);
    let call: CallState | undefined = byLeg ?? byLink;
    if (byLeg && byLink && byLeg !== byLink) {
      call = this.merge(byLeg, byLink);
    } else if (byLeg && !byLink) {
      // The leg's Linkedid changed (e.g. a transfer or Local optimisation): remember the new one.
      byLeg.aliases.push(ch.linkedid);
      this.byLinkedid.set(ch.linkedid, byLeg);
    }
    if (!call) {
      if (!create) return null;
      call = this.newCall(ch.linkedid, at);
    }
    this.upsertLeg(call, ch, at);
    return call;
  }

  private upsertLeg(call: CallState, ch: ChannelRef, at: number): Leg {
    this.markTouched(call, at);
    let leg = call.legs[ch.uniqueid];
    if (!leg) {
      const agent = this.options.matchAgent(ch.channel);
      leg = {
        uniqueid: ch.uniqueid,
        channel: ch.channel,
        callerNum: ch.callerNum,
        callerName: ch.callerName,
        exten: ch.exten,
        agent,
        role: ch.uniqueid === call.linkedid ? 'origin' : 'other',
        dialedAt: null,
        dialedBy: null,
        dialString: null,
        dialStatus: null,
        presentedNum: null,
        answeredAt: null,
        hungUpAt: null,
        cause: null,
      };
      call.legs[ch.uniqueid] = leg;
      this.byLeg.set(ch.uniqueid, call);
      this.byChannel.set(ch.channel, ch.uniqueid);
      if (leg.role === 'origin' && agent) {
        call.originatorAgent ??= agent;
        this.claimOriginate(call, agent);
      }
      // A new leg reopens nothing: a call that ended stays ended (late events after the last hangup).
      return leg;
    }
    if (ch.callerNum) leg.callerNum = ch.callerNum;
    if (ch.callerName) leg.callerName = ch.callerName;
    if (leg.role === 'origin' && ch.exten && leg.exten === null) leg.exten = ch.exten;
    return leg;
  }

  private merge(a: CallState, b: CallState): CallState {
    const [keep, gone] = a.startedAt <= b.startedAt ? [a, b] : [b, a];
    for (const [uniqueid, leg] of Object.entries(gone.legs)) {
      // Only the surviving call's first channel started the call.
      if (leg.role === 'origin') leg.role = 'other';
      if (!keep.legs[uniqueid]) keep.legs[uniqueid] = leg;
      this.byLeg.set(uniqueid, keep);
    }
    keep.aliases.push(gone.linkedid, ...gone.aliases);
    for (const alias of [gone.linkedid, ...gone.aliases]) this.byLinkedid.set(alias, keep);
    for (const ring of gone.ringing) if (!keep.ringing.some((item) => item.extension === ring.extension && item.leg === ring.leg)) keep.ringing.push(ring);
    keep.ringing.sort((x, y) => x.at - y.at);
    const fields = [
      'queue', 'queueCallerNum', 'queuedAt', 'queueLeftAt', 'agentExtension', 'connectedAt', 'connectHoldSeconds', 'completedAt',
      'completeHoldSeconds', 'completeTalkSeconds', 'completeReason', 'abandonedAt', 'abandonHoldSeconds',
      'customerAnsweredAt', 'cdrTalkSeconds',
    ] as const;
    for (const field of fields) {
      if (keep[field] === null && gone[field] !== null) (keep as unknown as Record<string, unknown>)[field] = gone[field];
    }
    keep.lastEventAt = Math.max(keep.lastEventAt, gone.lastEventAt);
    keep.endedAt = Object.values(keep.legs).every((leg) => leg.hungUpAt !== null)
      ? Math.max(...Object.values(keep.legs).map((leg) => leg.hungUpAt ?? 0))
      : null;
    this.calls.delete(gone.linkedid);
    this.lastEmitted.delete(gone.linkedid);
    this.touched.delete(gone);
    this.touched.add(keep);
    this.options.onEffect({ type: 'call-merged', from: gone.linkedid, into: keep.linkedid });
    return keep;
  }

  private flush(): void {
    if (this.touched.size === 0) return;
    const touched = [...this.touched];
    this.touched.clear();
    for (const call of touched) {
      if (!this.calls.has(call.linkedid)) continue;
      const record = this.derive(call);
      const previous = this.lastEmitted.get(call.linkedid);
      if (!previous || !sameRecord(previous, record)) {
        this.lastEmitted.set(call.linkedid, record);
        this.options.onEffect({ type: 'call-changed', call: record });
      }
      if (call.endedAt !== null && !call.notified.ended) {
        call.notified.ended = true;
        const agents = new Set<string>();
        if (call.originatorAgent) agents.add(call.originatorAgent);
        if (call.agentExtension) agents.add(call.agentExtension);
        for (const leg of Object.values(call.legs)) {
          const callee = this.internalCallee(call, leg);
          if (callee && !this.busyElsewhere(callee, call)) agents.add(callee);
        }
        for (const extension of agents) this.options.onEffect({ type: 'agent-activity', extension, activity: 'idle', at: call.endedAt });
        this.options.onEffect({ type: 'call-ended', call: record });
        this.ended.push(call.linkedid);
        this.evict();
      }
    }
  }

  private evict(): void {
    while (this.ended.length > this.keepEnded) {
      const linkedid = this.ended.shift();
      if (linkedid === undefined) break;
      const call = this.calls.get(linkedid);
      if (!call) continue;
      this.calls.delete(linkedid);
      this.lastEmitted.delete(linkedid);
      if (this.byLinkedid.get(linkedid) === call) this.byLinkedid.delete(linkedid);
      for (const alias of call.aliases) if (this.byLinkedid.get(alias) === call) this.byLinkedid.delete(alias);
      for (const leg of Object.values(call.legs)) {
        if (this.byLeg.get(leg.uniqueid) === call) this.byLeg.delete(leg.uniqueid);
        if (this.byChannel.get(leg.channel) === leg.uniqueid) this.byChannel.delete(leg.channel);
      }
    }
    if (this.e164Cache.size > 50_000) this.e164Cache.clear();
  }

  private e164(raw: string | null): string | null {
    if (raw === null) return null;
    let value = this.e164Cache.get(raw);
    if (value === undefined) {
      value = toE164(raw, this.options.defaultCountry);
      this.e164Cache.set(raw, value);
    }
    return value;
  }

  // ---- the record ----------------------------------------------------------------------

  direction(call: CallState): CallDirection {
    if (call.queue) return 'inbound';
    return call.originatorAgent || call.originate ? 'outbound' : 'inbound';
  }

  derive(call: CallState): CallRecord {
    const direction = this.direction(call);
    const legs = Object.values(call.legs);
    const origin = call.legs[call.linkedid] ?? legs[0];
    // Who the call went to: the client's number, or for an agent-to-agent call the other agent's device.
    let customers = legs.filter((leg) => leg.role === 'customer');
    if (customers.length === 0 && call.originatorAgent) customers = legs.filter((leg) => leg.role === 'agent-device' && leg.dialedBy !== null);
    customers.sort((a, b) => (a.dialedAt ?? 0) - (b.dialedAt ?? 0));
    const answeredCustomer = customers.find((leg) => leg.dialStatus === 'ANSWER');

    let callerNumber: string | null;
    let calledNumber: string | null;
    let agentExtension = call.agentExtension;
    let answeredAt: number | null;
    if (direction === 'inbound') {
      callerNumber = this.e164(call.queueCallerNum ?? origin?.callerNum ?? null);
      const exten = origin?.exten ?? null;
      calledNumber = exten && /^\+?\d{5,}$/.test(exten) ? this.e164(exten) : null;
      answeredAt = call.connectedAt;
    } else {
      const dialed = answeredCustomer ?? customers[customers.length - 1];
      const callee = dialed ? this.internalCallee(call, dialed) : null;
      if (callee) {
        // A call between colleagues: from the caller's extension to the called one's.
        calledNumber = callee;
        callerNumber = call.originatorAgent;
      } else {
        calledNumber = this.e164(numberFromDialString(dialed?.dialString ?? null) ?? call.originate?.number ?? null);
        callerNumber = this.e164(dialed?.presentedNum ?? null);
      }
      agentExtension = call.originatorAgent;
      answeredAt = call.customerAnsweredAt;
    }

    const endedAt = call.endedAt;
    let result: CallResult | null = null;
    if (call.abandonedAt !== null) result = 'abandoned';
    else if (call.connectedAt !== null || call.completedAt !== null) result = 'answered';
    else if (direction === 'outbound') {
      if (answeredCustomer) result = 'answered';
      else if (call.originate && call.originate.success === false) result = explainOriginateReason(call.originate.reason).result ?? 'failed';
      else {
        const last = [...customers].reverse().find((leg) => leg.dialStatus !== null);
        if (last?.dialStatus) result = dialStatusResult(last.dialStatus, direction);
        else if (endedAt !== null) result = 'failed';
      }
    } else if (!call.queue) {
      const direct = legs.filter((leg) => leg.role === 'agent-device' && leg.dialStatus !== null).sort((a, b) => (a.dialedAt ?? 0) - (b.dialedAt ?? 0));
      const last = direct[direct.length - 1];
      if (last?.dialStatus) result = dialStatusResult(last.dialStatus, direction);
      else if (endedAt !== null) result = 'abandoned';
    } else if (endedAt !== null) {
      result = 'abandoned';
    }

    let waitSeconds: number | null = null;
    if (direction === 'inbound' && call.queue) {
      waitSeconds = call.connectHoldSeconds ?? call.completeHoldSeconds ?? call.abandonHoldSeconds;
      if (waitSeconds === null && call.queuedAt !== null) {
        const until = call.queueLeftAt ?? endedAt;
        if (until !== null) waitSeconds = Math.max(0, Math.floor((until - call.queuedAt) / 1000));
      }
    }

    let talkSeconds: number | null = null;
    if (result === 'answered') {
      talkSeconds = call.completeTalkSeconds ?? (direction === 'outbound' ? call.cdrTalkSeconds : null);
      if (talkSeconds === null && answeredAt !== null && endedAt !== null) talkSeconds = Math.max(0, Math.floor((endedAt - answeredAt) / 1000));
    }

    // The cause of the first leg to hang up with a cause set (Local halves report 0 = unknown).
    let hangupCause: number | null = null;
    let causeAt = Infinity;
    for (const leg of legs) {
      if (leg.cause === null || leg.hungUpAt === null) continue;
      const better = hangupCause === null || (hangupCause === 0 && leg.cause !== 0) || (leg.cause !== 0 && leg.hungUpAt < causeAt);
      if (better) {
        hangupCause = leg.cause;
        causeAt = leg.hungUpAt;
      }
    }

    const ringingAt = direction === 'inbound'
      ? (call.ringing[0]?.at ?? null)
      : (customers[0]?.dialedAt ?? null);

    return {
      id: call.linkedid,
      linkedid: call.linkedid,
      direction,
      callerNumber,
      calledNumber,
      queue: call.queue,
      agentExtension,
      ringingAgents: direction === 'inbound' ? uniqueExtensions(call.ringing) : [],
      contactId: null,
      result,
      active: endedAt === null,
      startedAt: new Date(call.startedAt).toISOString(),
      queuedAt: iso(call.queuedAt),
      ringingAt: iso(ringingAt),
      answeredAt: iso(answeredAt),
      endedAt: iso(endedAt),
      waitSeconds,
      talkSeconds,
      hangupCause,
      endedDuringOutage: call.endedDuringOutage,
    };
  }
}

function uniqueExtensions(ringing: CallState['ringing']): string[] {
  const out: string[] = [];
  for (const ring of ringing) if (!out.includes(ring.extension)) out.push(ring.extension);
  return out;
}

export interface ResyncSnapshot {
  at: number;
  /** When the previous connection was lost (null on a first start or after a restart). */
  lostAt: number | null;
  /** When the snapshot was asked for: calls with events since then are left alone. */
  requestedAt?: number;
  channels: Array<Extract<PbxEvent, { kind: 'channel-snapshot' }>>;
  queueEntries: Array<Extract<PbxEvent, { kind: 'queue-entry' }>>;
}
