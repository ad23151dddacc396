/**
 * The simulated PBX: channels, queues `support` and `sales`, agents 1001–1003, and the event
 * sequences Asterisk 22 produces for queue calls and click-to-call Originates — names, fields,
 * units and order follow the recordings in test/telephony/fixtures (Local `;1`/`;2` halves,
 * DialEnd repeats, Cdr with `UniqueID`, RingTime in seconds vs milliseconds…).
 *
 * Time runs on a scaled clock: `timeScale` 0.05 makes a 20 s scenario take one real second while
 * every figure the PBX reports (HoldTime, TalkTime, Cdr times) stays in simulated seconds.
 */
import type { Fields } from './ami-wire.js';

export type EventClass = 'call' | 'agent' | 'cdr' | 'system' | 'security' | 'dialplan';

export type DestinationBehaviour =
  | { kind: 'answer'; ringSeconds?: number; talkSeconds?: number }
  | { kind: 'busy' }
  | { kind: 'no-answer' }
  | { kind: 'unavailable' };

export interface SimPbxOptions {
  timeScale: number;
  /** Seconds a demo agent's phone rings before it answers by itself. */
  agentRingSeconds: number;
  /** Default talk time of a simulated conversation. */
  talkSeconds: number;
  random: () => number;
  emit: (name: string, eventClass: EventClass, fields: Fields) => void;
}

interface Chan {
  name: string;
  uniqueid: string;
  linkedid: string;
  state: number;
  callerNum: string;
  callerName: string;
  connectedNum: string;
  connectedName: string;
  context: string;
  exten: string;
  priority: number;
  createdAt: number;
  answeredAt: number | null;
  bridgeId: string | null;
  application: string;
  applicationData: string;
  hungUp: boolean;
}

interface Membership {
  paused: boolean;
  reason: string;
  callsTaken: number;
  lastCall: number;
  lastPause: number;
  loginTime: number;
  penalty: number;
  membership: 'static' | 'dynamic';
}

export interface SimAgent {
  extension: string;
  iface: string;
  memberName: string;
  stateInterface: string;
  /** 1 not in use, 2 in use, 6 ringing. */
  device: number;
  /** A human (console) drives this phone: it does not answer by itself. */
  human: boolean;
  ring: { answer: () => void; reject: () => void } | null;
  hangup: (() => void) | null;
}

interface QueueEntry {
  id: number;
  queue: string;
  caller1: Chan;
  caller2: Chan;
  joinedAt: number;
  originalPosition: number;
  patienceTimer: NodeJS.Timeout | null;
  ringing: { agent: SimAgent; member1: Chan; member2: Chan; startedAt: number; timer: NodeJS.Timeout | null } | null;
  talkSeconds: number;
  /** Agents rung so far (an abandoned caller's queue leg gets one NO ANSWER Cdr per attempt). */
  attempts: number;
  done: boolean;
}

interface QueueStats {
  completed: number;
  abandoned: number;
  holdTotal: number;
  talkTotal: number;
}

const STATE_DESC: Record<number, string> = { 0: 'Down', 4: 'Ring', 5: 'Ringing', 6: 'Up', 7: 'Busy' };
const CAUSE_TEXT: Record<number, string> = { 0: 'Unknown', 16: 'Normal Clearing', 17: 'User busy', 19: 'No user responding', 20: 'Subscriber absent', 21: 'Call Rejected' };
/** Shared by every simulator in the process, so two simulators (tests) never hand out the same Uniqueid. */
let uniqueCounter = 0;
/** The bridge header Asterisk puts on BridgeCreate/Enter/Leave/Destroy. */
function bridgeFields(bridgeId: string, channels: number): Fields {
  return [
    ['BridgeUniqueid', bridgeId],
    ['BridgeType', 'basic'],
    ['BridgeTechnology', 'simple_bridge'],
    ['BridgeCreator', '<unknown>'],
    ['BridgeName', '<unknown>'],
    ['BridgeNumChannels', channels],
    ['BridgeVideoSourceMode', 'none'],
  ];
}

const QUEUE_RING_TIMEOUT = 15;
const QUEUE_RETRY = 5;
const DIAL_TIMEOUT = 20;
export const COMPANY_NUMBER = '+73432000000';

export class SimPbx {
  readonly queues = new Map<string, Map<string, Membership>>();
  readonly agents = new Map<string, SimAgent>();
  readonly destinations = new Map<string, DestinationBehaviour>();
  private readonly channels = new Map<string, Chan>();
  private readonly waiting = new Map<string, QueueEntry[]>();
  private readonly stats = new Map<string, QueueStats>();
  private readonly rrCursor = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly startedReal = performance.now();
  private readonly startedSim = Date.now();
  private localCounter = 0;
  private entryCounter = 0;
  private closed = false;
  completedCalls = 0;

  constructor(private readonly options: SimPbxOptions) {
    const now = this.now();
    for (const queue of ['support', 'sales']) {
      const members = new Map<string, Membership>();
      this.queues.set(queue, members);
      this.waiting.set(queue, []);
      this.stats.set(queue, { completed: 0, abandoned: 0, holdTotal: 0, talkTotal: 0 });
      for (const extension of ['1001', '1002', '1003']) {
        members.set(extension, { paused: false, reason: '', callsTaken: 0, lastCall: 0, lastPause: 0, loginTime: Math.floor(now / 1000), penalty: 0, membership: 'static' });
      }
    }
    for (const extension of ['1001', '1002', '1003']) this.ensureAgent(extension);
  }

  /** Simulated wall clock (ms). */
  now(): number {
    return this.startedSim + (performance.now() - this.startedReal) / this.options.timeScale;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  ensureAgent(extension: string): SimAgent {
    let agent = this.agents.get(extension);
    if (!agent) {
      agent = {
        extension,
        iface: `Local/${extension}@agents/n`,
        memberName: `Agent ${extension}`,
        stateInterface: `Custom:agent${extension}`,
        device: 1,
        human: false,
        ring: null,
        hangup: null,
      };
      this.agents.set(extension, agent);
    }
    return agent;
  }

  agentByInterface(iface: string): SimAgent | undefined {
    for (const agent of this.agents.values()) if (agent.iface === iface || agent.stateInterface === iface) return agent;
    const match = /(\d{3,8})/.exec(iface);
    return match?.[1] ? this.agents.get(match[1]) : undefined;
  }

  /** Runs `fn` after `seconds` of simulated time. */
  after(seconds: number, fn: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) fn();
      // Node may fire a timer up to a millisecond early; on a scaled clock that would cut a whole second.
    }, seconds > 0 ? seconds * 1000 * this.options.timeScale + 1 : 0);
    this.timers.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | null): void {
    if (!timer) return;
    clearTimeout(timer);
    this.timers.delete(timer);
  }

  // ---- channels ------------------------------------------------------------------------

  private uniqueid(): string {
    return `${Math.floor(this.now() / 1000)}.${uniqueCounter++}`;
  }

  private localPair(exten: string, context: string, linkedid: string | null, caller: { num: string; name: string }): [Chan, Chan] {
    const suffix = (this.localCounter++).toString(16).padStart(8, '0');
    const base = `Local/${exten}@${context}-${suffix}`;
    const at = this.now();
    const id1 = this.uniqueid();
    const id2 = this.uniqueid();
    const link = linkedid ?? id1;
    const make = (name: string, uniqueid: string, state: number): Chan => ({
      name,
      uniqueid,
      linkedid: link,
      state,
      callerNum: '<unknown>',
      callerName: '<unknown>',
      connectedNum: '<unknown>',
      connectedName: '<unknown>',
      context,
      exten,
      priority: 1,
      createdAt: at,
      answeredAt: null,
      bridgeId: null,
      application: 'AppDial2',
      applicationData: '(Outgoing Line)',
      hungUp: false,
    });
    const one = make(`${base};1`, id1, 0);
    const two = make(`${base};2`, id2, 4);
    this.channels.set(one.uniqueid, one);
    this.channels.set(two.uniqueid, two);
    this.event('Newchannel', 'call', this.snapshot(one));
    this.event('Newchannel', 'call', this.snapshot(two));
    this.event('Newexten', 'dialplan', [...this.snapshot(one), ['Extension', exten], ['Application', 'AppDial2'], ['AppData', '(Outgoing Line)']]);
    one.callerNum = caller.num;
    one.callerName = caller.name;
    this.event('NewCallerid', 'call', [...this.snapshot(one), ['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']]);
    one.connectedNum = caller.num;
    one.connectedName = caller.name;
    this.event('NewConnectedLine', 'call', this.snapshot(one));
    two.callerNum = caller.num;
    two.callerName = caller.name;
    two.connectedNum = caller.num;
    two.connectedName = caller.name;
    this.event('NewCallerid', 'call', [...this.snapshot(two), ['CID-CallingPres', '0 (Presentation Allowed, Not Screened)']]);
    this.event('LocalBridge', 'call', [
      ...this.snapshot(one, 'LocalOne'),
      ...this.snapshot(two, 'LocalTwo'),
      ['Context', context],
      ['Exten', exten],
      ['LocalOptimization', 'No'],
    ]);
    return [one, two];
  }

  snapshot(ch: Chan, prefix = ''): Fields {
    return [
      [`${prefix}Channel`, ch.name],
      [`${prefix}ChannelState`, ch.state],
      [`${prefix}ChannelStateDesc`, STATE_DESC[ch.state] ?? 'Unknown'],
      [`${prefix}CallerIDNum`, ch.callerNum],
      [`${prefix}CallerIDName`, ch.callerName],
      [`${prefix}ConnectedLineNum`, ch.connectedNum],
      [`${prefix}ConnectedLineName`, ch.connectedName],
      [`${prefix}Language`, 'en'],
      [`${prefix}AccountCode`, ''],
      [`${prefix}Context`, ch.context],
      [`${prefix}Exten`, ch.exten],
      [`${prefix}Priority`, ch.priority],
      [`${prefix}Uniqueid`, ch.uniqueid],
      [`${prefix}Linkedid`, ch.linkedid],
    ];
  }

  private event(name: string, eventClass: EventClass, fields: Fields): void {
    this.options.emit(name, eventClass, fields);
  }

  private setState(ch: Chan, state: number): void {
    if (ch.hungUp || ch.state === state) return;
    ch.state = state;
    if (state === 6) ch.answeredAt ??= this.now();
    this.event('Newstate', 'call', this.snapshot(ch));
  }

  private hangup(ch: Chan, cause: number): void {
    if (ch.hungUp) return;
    ch.hungUp = true;
    this.channels.delete(ch.uniqueid);
    this.event('Hangup', 'call', [...this.snapshot(ch), ['Cause', cause], ['Cause-txt', CAUSE_TEXT[cause] ?? 'Unknown']]);
  }

  private cdr(ch: Chan, fields: { source: string; destination: string; destinationContext: string; destinationChannel: string; lastApp: string; lastData: string; disposition: string; answeredAt: number | null }): void {
    const end = this.now();
    const fmt = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));
    this.event('Cdr', 'cdr', [
      ['AccountCode', ''],
      ['Source', fields.source],
      ['Destination', fields.destination],
      ['DestinationContext', fields.destinationContext],
      ['CallerID', `"${ch.callerName}" <${ch.callerNum}>`],
      ['Channel', ch.name],
      ['DestinationChannel', fields.destinationChannel],
      ['LastApplication', fields.lastApp],
      ['LastData', fields.lastData],
      ['StartTime', fmt(ch.createdAt)],
      ['AnswerTime', fmt(fields.answeredAt)],
      ['EndTime', fmt(end)],
      ['Duration', Math.floor((end - ch.createdAt) / 1000)],
      ['BillableSeconds', fields.answeredAt === null ? 0 : Math.floor((end - fields.answeredAt) / 1000)],
      ['Disposition', fields.disposition],
      ['AMAFlags', 'DOCUMENTATION'],
      ['UniqueID', ch.uniqueid],
      ['UserField', ''],
    ]);
  }

  private dialBegin(caller: Chan | null, dest: Chan, dialString: string): void {
    this.event('DialBegin', 'call', [...(caller ? this.snapshot(caller) : []), ...this.snapshot(dest, 'Dest'), ['DialString', dialString]]);
  }

  private dialEnd(caller: Chan | null, dest: Chan, status: string): void {
    this.event('DialEnd', 'call', [...(caller ? this.snapshot(caller) : []), ...this.snapshot(dest, 'Dest'), ['DialStatus', status]]);
  }

  // ---- agents and queue members ----------------------------------------------------------

  memberFields(queue: string, agent: SimAgent, membership: Membership, listItem: boolean): Fields {
    const inCall = agent.device === 2 ? 1 : 0;
    const head: Fields = listItem
      ? [['Queue', queue], ['Name', agent.memberName], ['Location', agent.iface], ['StateInterface', agent.stateInterface]]
      : [['Queue', queue], ['MemberName', agent.memberName], ['Interface', agent.iface], ['StateInterface', agent.stateInterface]];
    const tail: Fields = [
      ['Membership', membership.membership],
      ['Penalty', membership.penalty],
      ['CallsTaken', membership.callsTaken],
      ['LastCall', membership.lastCall],
      ['LastPause', membership.lastPause],
      ['LoginTime', membership.loginTime],
      ['InCall', inCall],
      ['Status', agent.device],
      ['Paused', membership.paused ? 1 : 0],
      ['PausedReason', membership.reason],
    ];
    if (!listItem) tail.push(['Ringinuse', 0]);
    tail.push(['Wrapuptime', 0]);
    return [...head, ...tail];
  }

  private setDevice(agent: SimAgent, status: number): void {
    if (agent.device === status) return;
    agent.device = status;
    for (const [queue, members] of this.queues) {
      const membership = members.get(agent.extension);
      if (membership) this.event('QueueMemberStatus', 'agent', this.memberFields(queue, agent, membership, false));
    }
  }

  pause(agent: SimAgent, queue: string | null, paused: boolean, reason: string): number {
    let count = 0;
    for (const [name, members] of this.queues) {
      if (queue && name !== queue) continue;
      const membership = members.get(agent.extension);
      if (!membership) continue;
      membership.paused = paused;
      membership.reason = paused ? reason : '';
      if (paused) membership.lastPause = Math.floor(this.now() / 1000);
      this.event('QueueMemberPause', 'agent', this.memberFields(name, agent, membership, false));
      count += 1;
    }
    if (!paused) for (const name of this.queues.keys()) this.distribute(name);
    return count;
  }

  addMember(queue: string, agent: SimAgent, paused: boolean, penalty: number): boolean {
    const members = this.queues.get(queue);
    if (!members || members.has(agent.extension)) return false;
    const membership: Membership = { paused, reason: '', callsTaken: 0, lastCall: 0, lastPause: 0, loginTime: Math.floor(this.now() / 1000), penalty, membership: 'dynamic' };
    members.set(agent.extension, membership);
    this.event('QueueMemberAdded', 'agent', this.memberFields(queue, agent, membership, false));
    this.distribute(queue);
    return true;
  }

  removeMember(queue: string, agent: SimAgent): boolean {
    const members = this.queues.get(queue);
    const membership = members?.get(agent.extension);
    if (!members || !membership) return false;
    members.delete(agent.extension);
    this.event('QueueMemberRemoved', 'agent', this.memberFields(queue, agent, membership, false));
    return true;
  }

  // ---- inbound queue calls ----------------------------------------------------------------

  /** A caller dials in and waits in `queue`. Returns the call's Linkedid. */
  placeInboundCall(input: { from: string; name?: string; queue: string; patienceSeconds?: number; talkSeconds?: number }): string {
    const queue = this.queues.has(input.queue) ? input.queue : 'support';
    const caller = { num: input.from, name: input.name ?? input.from };
    const [one, two] = this.localPair(queue, 'inbound', null, caller);
    // The caller's line comes up the way the recordings show it (a Local pair dialled into `inbound`).
    this.setState(two, 6);
    this.dialBegin(null, one, `${queue}@inbound`);
    this.setState(one, 6);
    this.dialEnd(null, one, 'ANSWER');
    one.application = 'Wait';
    one.applicationData = String(input.patienceSeconds ?? 60);
    two.application = 'Queue';
    two.applicationData = `${queue},,,,300`;
    two.priority = 5;
    const list = this.waiting.get(queue) ?? [];
    const entry: QueueEntry = {
      id: this.entryCounter++,
      queue,
      caller1: one,
      caller2: two,
      joinedAt: this.now(),
      originalPosition: list.length + 1,
      patienceTimer: null,
      ringing: null,
      talkSeconds: input.talkSeconds ?? this.options.talkSeconds,
      attempts: 0,
      done: false,
    };
    list.push(entry);
    this.waiting.set(queue, list);
    this.event('QueueCallerJoin', 'agent', [...this.snapshot(two), ['Queue', queue], ['Position', list.length], ['Count', list.length]]);
    this.event('MusicOnHoldStart', 'call', [...this.snapshot(two), ['Class', 'default']]);
    entry.patienceTimer = this.after(input.patienceSeconds ?? 60, () => this.abandon(entry));
    this.after(0.5, () => this.distribute(queue));
    return one.linkedid;
  }

  private available(queue: string): SimAgent[] {
    const members = this.queues.get(queue);
    if (!members) return [];
    const out: SimAgent[] = [];
    for (const [extension, membership] of members) {
      const agent = this.agents.get(extension);
      if (agent && !membership.paused && agent.device === 1 && !agent.ring && !agent.hangup) out.push(agent);
    }
    return out;
  }

  private distribute(queue: string): void {
    const list = this.waiting.get(queue) ?? [];
    for (const entry of list) {
      if (entry.done || entry.ringing) continue;
      const free = this.available(queue);
      if (free.length === 0) return;
      const cursor = this.rrCursor.get(queue) ?? 0;
      const agent = free[cursor % free.length];
      this.rrCursor.set(queue, cursor + 1);
      if (agent) this.ringMember(entry, agent);
    }
  }

  private ringMember(entry: QueueEntry, agent: SimAgent): void {
    const caller = entry.caller2;
    const [m1, m2] = this.localPair(agent.extension, 'agents', caller.linkedid, { num: caller.callerNum, name: caller.callerName });
    // app_queue copies the caller's exten onto the member channel (AgentCalled shows `DestExten: support`).
    const shownExten = m1.exten;
    m1.exten = caller.exten;
    this.event('AgentCalled', 'agent', this.agentEventFields(caller, m1, entry.queue, agent));
    m1.exten = shownExten;
    this.dialBegin(caller, m1, agent.iface);
    m1.exten = caller.exten;
    this.setState(m1, 5);
    this.setDevice(agent, 6);
    this.event('DialState', 'call', [...this.snapshot(caller), ...this.snapshot(m1, 'Dest'), ['DialStatus', 'RINGING']]);
    const ringing = { agent, member1: m1, member2: m2, startedAt: this.now(), timer: null as NodeJS.Timeout | null };
    entry.ringing = ringing;
    entry.attempts += 1;
    const finish = () => {
      agent.ring = null;
      this.cancel(ringing.timer);
    };
    agent.ring = {
      answer: () => {
        if (entry.ringing !== ringing) return;
        finish();
        this.memberAnswers(entry);
      },
      reject: () => {
        if (entry.ringing !== ringing) return;
        finish();
        this.ringNoAnswer(entry, 'BUSY');
      },
    };
    ringing.timer = this.after(QUEUE_RING_TIMEOUT, () => {
      if (entry.ringing !== ringing) return;
      finish();
      this.ringNoAnswer(entry, 'NOANSWER');
    });
    if (!agent.human) {
      const answerAfter = this.options.agentRingSeconds * (0.7 + 0.6 * this.options.random());
      this.after(answerAfter, () => agent.ring?.answer());
    }
  }

  private ringNoAnswer(entry: QueueEntry, status: 'NOANSWER' | 'BUSY'): void {
    const ringing = entry.ringing;
    if (!ringing) return;
    entry.ringing = null;
    const { agent, member1, member2, startedAt } = ringing;
    const caller = entry.caller2;
    this.event('AgentRingNoAnswer', 'agent', [
      ...this.agentEventFields(caller, member1, entry.queue, agent),
      // Milliseconds here, unlike AgentConnect.
      ['RingTime', Math.round(this.now() - startedAt)],
    ]);
    this.dialEnd(caller, member1, status);
    this.dialEnd(caller, member1, 'CANCEL');
    this.hangup(member1, 0);
    this.setDevice(agent, 1);
    this.hangup(member2, 0);
    this.after(QUEUE_RETRY, () => this.distribute(entry.queue));
  }

  private memberAnswers(entry: QueueEntry): void {
    const ringing = entry.ringing;
    if (!ringing || entry.done) return;
    const { agent, member1, member2, startedAt } = ringing;
    const caller = entry.caller2;
    this.cancel(entry.patienceTimer);
    this.setDevice(agent, 2);
    this.setState(member2, 6);
    this.setState(member1, 6);
    this.dialEnd(caller, member1, 'ANSWER');
    this.event('MusicOnHoldStop', 'call', this.snapshot(caller));
    this.leaveQueue(entry);
    const now = this.now();
    const holdTime = Math.floor((now - entry.joinedAt) / 1000);
    this.event('AgentConnect', 'agent', [
      ...this.agentEventFields(caller, member1, entry.queue, agent),
      ['HoldTime', holdTime],
      // Seconds here, unlike AgentRingNoAnswer.
      ['RingTime', Math.floor((now - startedAt) / 1000)],
    ]);
    const bridgeId = this.bridge([member1, caller]);
    const connectedAt = now;
    let finished = false;
    const end = (by: 'caller' | 'agent') => {
      if (finished) return;
      finished = true;
      agent.hangup = null;
      this.endQueueCall(entry, ringing, bridgeId, holdTime, connectedAt, by);
    };
    agent.hangup = () => end('agent');
    this.after(entry.talkSeconds, () => end('caller'));
  }

  /** What every queue agent event starts with: the caller's snapshot, the member channel's as `Dest…`, queue and member. */
  private agentEventFields(caller: Chan, member: Chan, queue: string, agent: SimAgent): Fields {
    return [...this.snapshot(caller), ...this.snapshot(member, 'Dest'), ['Queue', queue], ['Interface', agent.iface], ['MemberName', agent.memberName]];
  }

  private bridge(channels: Chan[]): string {
    const bridgeId = `${Math.floor(this.random() * 0xffffffff).toString(16).padStart(8, '0')}-${(uniqueCounter & 0xffff).toString(16).padStart(4, '0')}-4a00-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
    this.event('BridgeCreate', 'call', bridgeFields(bridgeId, 0));
    channels.forEach((ch, index) => {
      ch.bridgeId = bridgeId;
      this.event('BridgeEnter', 'call', [...bridgeFields(bridgeId, index + 1), ...this.snapshot(ch)]);
    });
    return bridgeId;
  }

  private random(): number {
    return this.options.random();
  }

  private leaveQueue(entry: QueueEntry): void {
    const list = this.waiting.get(entry.queue) ?? [];
    const index = list.indexOf(entry);
    if (index >= 0) list.splice(index, 1);
    this.event('QueueCallerLeave', 'agent', [...this.snapshot(entry.caller2), ['Queue', entry.queue], ['Position', index + 1], ['Count', list.length]]);
  }

  private endQueueCall(
    entry: QueueEntry,
    ringing: NonNullable<QueueEntry['ringing']>,
    bridgeId: string,
    holdTime: number,
    connectedAt: number,
    by: 'caller' | 'agent',
  ): void {
    const { agent, member1, member2 } = ringing;
    const { caller1, caller2 } = entry;
    const talkTime = Math.floor((this.now() - connectedAt) / 1000);
    const leaveFields = bridgeFields(bridgeId, 1);
    const complete = () =>
      this.event('AgentComplete', 'agent', [
        ...this.agentEventFields(caller2, member1, entry.queue, agent),
        ['HoldTime', holdTime],
        ['TalkTime', talkTime],
        ['Reason', by],
      ]);
    const cdrCaller = (ch: Chan) =>
      this.cdr(ch, { source: ch.callerNum, destination: entry.queue, destinationContext: 'inbound', destinationChannel: '', lastApp: ch === caller1 ? 'Wait' : 'Queue', lastData: ch.applicationData, disposition: 'ANSWERED', answeredAt: ch.answeredAt });
    if (by === 'caller') {
      // The caller's `;1` ends its Wait: cause 0 on a Local half, although the call was answered.
      this.hangup(caller1, 0);
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(caller2)]);
      cdrCaller(caller1);
      complete();
      this.hangup(caller2, 16);
      cdrCaller(caller2);
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(member1)]);
      this.event('BridgeDestroy', 'call', leaveFields);
      this.hangup(member1, 16);
    } else {
      this.hangup(member2, 16);
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(member1)]);
      this.hangup(member1, 16);
      complete();
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(caller2)]);
      this.event('BridgeDestroy', 'call', leaveFields);
      this.hangup(caller2, 16);
      cdrCaller(caller2);
      this.hangup(caller1, 16);
      cdrCaller(caller1);
    }
    this.cdr(member2, { source: caller2.callerNum, destination: agent.extension, destinationContext: 'agents', destinationChannel: '', lastApp: 'Wait', lastData: '120', disposition: 'ANSWERED', answeredAt: member2.answeredAt });
    const membership = this.queues.get(entry.queue)?.get(agent.extension);
    if (membership) {
      membership.callsTaken += 1;
      membership.lastCall = Math.floor(this.now() / 1000);
    }
    const stats = this.stats.get(entry.queue);
    if (stats) {
      stats.completed += 1;
      stats.holdTotal += holdTime;
      stats.talkTotal += talkTime;
    }
    this.setDevice(agent, 1);
    this.hangup(member2, 16);
    entry.done = true;
    this.completedCalls += 1;
    this.after(0, () => this.distribute(entry.queue));
  }

  private abandon(entry: QueueEntry): void {
    if (entry.done) return;
    entry.done = true;
    const { caller1, caller2 } = entry;
    const holdTime = Math.floor((this.now() - entry.joinedAt) / 1000);
    this.cdr(caller1, { source: caller1.callerNum, destination: entry.queue, destinationContext: 'inbound', destinationChannel: '', lastApp: 'Wait', lastData: caller1.applicationData, disposition: 'ANSWERED', answeredAt: caller1.answeredAt });
    this.hangup(caller1, 0);
    // An abandoned caller's queue leg is NO ANSWER although the dialplan answered it.
    for (let attempt = 0; attempt < Math.max(1, entry.attempts); attempt += 1) {
      this.cdr(caller2, { source: caller2.callerNum, destination: entry.queue, destinationContext: 'inbound', destinationChannel: '', lastApp: 'Queue', lastData: caller2.applicationData, disposition: 'NO ANSWER', answeredAt: null });
    }
    const ringing = entry.ringing;
    entry.ringing = null;
    if (ringing) {
      ringing.agent.ring = null;
      this.cancel(ringing.timer);
      this.dialEnd(caller2, ringing.member1, 'CANCEL');
      this.dialEnd(caller2, ringing.member1, 'CANCEL');
      this.hangup(ringing.member1, 0);
    }
    const list = this.waiting.get(entry.queue) ?? [];
    const position = list.indexOf(entry) + 1;
    this.event('QueueCallerAbandon', 'agent', [...this.snapshot(caller2), ['Queue', entry.queue], ['Position', position], ['OriginalPosition', entry.originalPosition], ['HoldTime', holdTime]]);
    this.leaveQueue(entry);
    this.hangup(caller2, 0);
    if (ringing) {
      this.setDevice(ringing.agent, 1);
      this.hangup(ringing.member2, 0);
    }
    const stats = this.stats.get(entry.queue);
    if (stats) stats.abandoned += 1;
    this.completedCalls += 1;
    this.after(0, () => this.distribute(entry.queue));
  }

  // ---- calls between agents ----------------------------------------------------------------

  /**
   * Agent `from` picks up their desk phone and dials extension `to`, as Asterisk reports it for
   * `Dial(Local/<to>@agents,20)` from the phone's context `from-internal`: the caller's channel is
   * the phone itself (`PJSIP/<from>-…`), the called agent is reached like a queue member (a Local
   * pair in `agents`, device state RINGING then INUSE). The colleague answers by themselves after
   * `agentRingSeconds` unless a console drives their phone; nobody answering gives DialEnd
   * NOANSWER after 20 s, a colleague on another call BUSY. Either side can hang up (`hangup` on the
   * caller's phone while it rings cancels the call). Returns the call's Linkedid.
   */
  placeInternalCall(input: { from: string; to: string; talkSeconds?: number }): string {
    const caller = this.agents.get(input.from);
    const callee = this.agents.get(input.to);
    if (!caller || !callee) throw new Error(`No simulated phone for extension ${caller ? input.to : input.from}`);
    if (caller === callee || this.isBusy(caller)) throw new Error(`Phone ${input.from} cannot dial now`);
    const phone = this.deskPhone(caller, input.to);
    const [l1, l2] = this.localPair(callee.extension, 'agents', phone.linkedid, { num: phone.callerNum, name: phone.callerName });
    l1.connectedNum = callee.extension;
    l1.connectedName = callee.memberName;
    this.dialBegin(phone, l1, `${callee.extension}@agents`);
    this.setDevice(caller, 2);
    const dialData = `Local/${callee.extension}@agents,${DIAL_TIMEOUT}`;
    const cdrOfPhone = (disposition: string) =>
      this.cdr(phone, { source: phone.callerNum, destination: callee.extension, destinationContext: 'from-internal', destinationChannel: l1.name, lastApp: 'Dial', lastData: dialData, disposition, answeredAt: phone.answeredAt });
    let timer: NodeJS.Timeout | null = null;
    /** The colleague's phone stops ringing unanswered; the caller's dialplan then hangs up. */
    const unanswered = (status: 'NOANSWER' | 'BUSY' | 'CANCEL', cause: number) => {
      this.cancel(timer);
      const wasRinging = callee.ring === ring;
      if (wasRinging) callee.ring = null;
      caller.hangup = null;
      this.dialEnd(phone, l1, status);
      this.hangup(l1, 0);
      this.hangup(l2, 0);
      // A colleague busy on another call keeps their device state.
      if (wasRinging) this.setDevice(callee, 1);
      this.hangup(phone, cause);
      cdrOfPhone(status === 'BUSY' ? 'BUSY' : 'NO ANSWER');
      this.setDevice(caller, 1);
      this.completedCalls += 1;
    };
    const ring = {
      answer: () => {
        if (callee.ring !== ring) return;
        callee.ring = null;
        this.cancel(timer);
        this.internalCallAnswered(caller, callee, phone, l1, l2, input.talkSeconds ?? this.options.talkSeconds, dialData);
      },
      reject: () => {
        if (callee.ring !== ring) return;
        unanswered('BUSY', 17);
      },
    };
    if (this.isBusy(callee)) {
      // The colleague is on another call: their phone does not ring.
      this.after(0.05, () => unanswered('BUSY', 17));
      return phone.linkedid;
    }
    this.setState(l1, 5);
    this.setDevice(callee, 6);
    this.event('DialState', 'call', [...this.snapshot(phone), ...this.snapshot(l1, 'Dest'), ['DialStatus', 'RINGING']]);
    callee.ring = ring;
    // The caller gives up before the colleague picks up.
    caller.hangup = () => {
      if (callee.ring === ring) unanswered('CANCEL', 16);
    };
    timer = this.after(DIAL_TIMEOUT, () => {
      if (callee.ring === ring) unanswered('NOANSWER', 16);
    });
    if (!callee.human) this.after(this.options.agentRingSeconds, () => ring.answer());
    return phone.linkedid;
  }

  /** On a call, ringing or dialing: the phone cannot take or place another call. */
  isBusy(agent: SimAgent): boolean {
    return agent.device !== 1 || agent.ring !== null || agent.hangup !== null;
  }

  /** The channel of an agent's desk phone that went off the hook and dialed `exten`. */
  private deskPhone(agent: SimAgent, exten: string): Chan {
    const suffix = (this.localCounter++).toString(16).padStart(8, '0');
    const uniqueid = this.uniqueid();
    const phone: Chan = {
      name: `PJSIP/${agent.extension}-${suffix}`,
      uniqueid,
      linkedid: uniqueid,
      state: 4,
      callerNum: agent.extension,
      callerName: agent.memberName,
      connectedNum: '<unknown>',
      connectedName: '<unknown>',
      context: 'from-internal',
      exten,
      priority: 1,
      createdAt: this.now(),
      answeredAt: null,
      bridgeId: null,
      application: 'Dial',
      applicationData: `Local/${exten}@agents,${DIAL_TIMEOUT}`,
      hungUp: false,
    };
    this.channels.set(uniqueid, phone);
    this.event('Newchannel', 'call', this.snapshot(phone));
    this.event('Newexten', 'dialplan', [...this.snapshot(phone), ['Extension', exten], ['Application', 'Dial'], ['AppData', phone.applicationData]]);
    return phone;
  }

  private internalCallAnswered(caller: SimAgent, callee: SimAgent, phone: Chan, l1: Chan, l2: Chan, talkSeconds: number, dialData: string): void {
    this.setDevice(callee, 2);
    this.setState(l2, 6);
    this.setState(l1, 6);
    this.setState(phone, 6);
    this.dialEnd(phone, l1, 'ANSWER');
    const bridgeId = this.bridge([phone, l1]);
    const leaveFields = bridgeFields(bridgeId, 1);
    let ended = false;
    const end = (by: 'caller' | 'callee') => {
      if (ended) return;
      ended = true;
      caller.hangup = null;
      callee.hangup = null;
      const [first, second] = by === 'caller' ? [[phone], [l1, l2]] : [[l2, l1], [phone]];
      for (const ch of first) this.hangup(ch, 16);
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(by === 'caller' ? phone : l1)]);
      this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(by === 'caller' ? l1 : phone)]);
      this.event('BridgeDestroy', 'call', leaveFields);
      for (const ch of second) this.hangup(ch, 16);
      this.cdr(phone, { source: phone.callerNum, destination: callee.extension, destinationContext: 'from-internal', destinationChannel: l1.name, lastApp: 'Dial', lastData: dialData, disposition: 'ANSWERED', answeredAt: l1.answeredAt });
      this.cdr(l2, { source: phone.callerNum, destination: callee.extension, destinationContext: 'agents', destinationChannel: '', lastApp: 'Wait', lastData: '120', disposition: 'ANSWERED', answeredAt: l2.answeredAt });
      this.setDevice(callee, 1);
      this.setDevice(caller, 1);
      this.completedCalls += 1;
    };
    caller.hangup = () => end('caller');
    callee.hangup = () => end('callee');
    this.after(talkSeconds, () => end('caller'));
  }

  // ---- click-to-call ---------------------------------------------------------------------

  /**
   * An Async Originate: rings the agent's device first; when it answers, dials the client.
   * `respond` sends the OriginateResponse (it carries the action's ActionID).
   */
  originate(input: {
    channel: string;
    context: string;
    exten: string;
    callerIdNum: string | null;
    callerIdName: string | null;
    timeoutMs: number;
    respond: (fields: Fields) => void;
  }): void {
    const agent = this.agentByInterface(input.channel);
    const failNow = (reason: number) =>
      this.after(0.05, () =>
        input.respond([['Response', 'Failure'], ['Channel', input.channel], ['Context', input.context], ['Exten', input.exten], ['Reason', reason], ['Uniqueid', '<unknown>'], ['CallerIDNum', input.callerIdNum ?? '<unknown>'], ['CallerIDName', input.callerIdName ?? '<unknown>']]),
      );
    if (!agent) {
      failNow(0);
      return;
    }
    const dialString = input.channel.replace(/^Local\//, '');
    const [a1, a2] = this.localPair(agent.extension, 'agents', null, { num: input.callerIdNum ?? agent.extension, name: input.callerIdName ?? agent.memberName });
    this.dialBegin(null, a1, dialString);
    this.event('HangupHandlerPush', 'dialplan', [...this.snapshot(a2), ['Handler', 'agent-hangup,s,1']]);
    const busy = agent.device !== 1 || agent.ring !== null || agent.hangup !== null;
    let timer: NodeJS.Timeout | null = null;
    const failure = (reason: number, cause: number) => {
      agent.ring = null;
      this.cancel(timer);
      this.hangup(a1, cause);
      this.hangup(a2, 0);
      if (!busy) this.setDevice(agent, 1);
      input.respond([['Response', 'Failure'], ['Channel', input.channel], ['Context', input.context], ['Exten', input.exten], ['Reason', reason], ['Uniqueid', '<unknown>'], ['CallerIDNum', input.callerIdNum ?? '<unknown>'], ['CallerIDName', input.callerIdName ?? '<unknown>']]);
    };
    if (busy) {
      this.after(0.2, () => failure(5, 17));
      return;
    }
    this.setState(a1, 5);
    this.setDevice(agent, 6);
    this.event('DialState', 'call', [...this.snapshot(a1, 'Dest'), ['DialStatus', 'RINGING']]);
    timer = this.after(input.timeoutMs / 1000, () => failure(3, 19));
    agent.ring = {
      answer: () => {
        agent.ring = null;
        this.cancel(timer);
        this.setDevice(agent, 2);
        this.setState(a2, 6);
        this.setState(a1, 6);
        this.dialEnd(null, a1, 'ANSWER');
        input.respond([['Response', 'Success'], ['Channel', a1.name], ['Context', input.context], ['Exten', input.exten], ['Reason', 4], ['Uniqueid', a1.uniqueid], ['CallerIDNum', a1.callerNum], ['CallerIDName', a1.callerName]]);
        a1.context = input.context;
        a1.exten = input.exten;
        this.after(0.5, () => this.dialCustomer(agent, a1, a2, input.exten));
      },
      reject: () => failure(5, 21),
    };
    if (!agent.human) this.after(this.options.agentRingSeconds, () => agent.ring?.answer());
  }

  private behaviourFor(number: string): DestinationBehaviour {
    const forced = this.destinations.get(number);
    if (forced) return forced;
    const roll = this.random();
    if (roll < 0.6) return { kind: 'answer' };
    if (roll < 0.8) return { kind: 'no-answer' };
    if (roll < 0.92) return { kind: 'busy' };
    return { kind: 'unavailable' };
  }

  private dialCustomer(agent: SimAgent, a1: Chan, a2: Chan, number: string): void {
    if (a1.hungUp) return;
    const behaviour = this.behaviourFor(number);
    const [c1, c2] = this.localPair(number, 'customers', a1.linkedid, { num: COMPANY_NUMBER, name: 'Call Center' });
    c2.callerNum = a1.callerNum;
    c2.callerName = a1.callerName;
    c2.connectedNum = COMPANY_NUMBER;
    c2.connectedName = 'Call Center';
    // The dialed half is first shown in the predial handler.
    c1.context = 'outbound-predial';
    c1.exten = 's';
    this.dialBegin(a1, c1, `${number}@customers`);
    c1.context = 'customers';
    c1.exten = number;
    const agentHangsUpAfterFailure = (status: string, cause1: number, cause2: number) => {
      this.dialEnd(a1, c1, status);
      this.hangup(c1, cause1);
      this.hangup(c2, cause2);
      const disposition = status === 'BUSY' ? 'BUSY' : status === 'NOANSWER' ? 'NO ANSWER' : 'FAILED';
      this.cdr(a1, { source: a1.callerNum, destination: number, destinationContext: 'outbound', destinationChannel: c1.name, lastApp: 'Dial', lastData: `Local/${number}@customers,${DIAL_TIMEOUT}`, disposition, answeredAt: null });
      this.cdr(a1, { source: a1.callerNum, destination: number, destinationContext: 'outbound', destinationChannel: '', lastApp: 'Dial', lastData: `Local/${number}@customers,${DIAL_TIMEOUT}`, disposition: 'ANSWERED', answeredAt: a1.answeredAt });
      this.hangup(a1, 16);
      this.setDevice(agent, 1);
      this.hangup(a2, 16);
      this.cdr(a2, { source: a2.callerNum, destination: agent.extension, destinationContext: 'agents', destinationChannel: '', lastApp: 'Wait', lastData: '120', disposition: 'ANSWERED', answeredAt: a2.answeredAt });
      agent.hangup = null;
      this.completedCalls += 1;
    };
    let settled = false;
    const settle = () => {
      if (settled) return false;
      settled = true;
      return true;
    };
    // The agent may hang up while the client's phone rings.
    agent.hangup = () => {
      if (!settle()) return;
      agentHangsUpAfterFailure('CANCEL', 0, 0);
    };
    switch (behaviour.kind) {
      case 'busy':
        this.after(0.05, () => {
          if (!settle()) return;
          this.setState(c2, 7);
          agentHangsUpAfterFailure('BUSY', 0, 17);
        });
        return;
      case 'unavailable':
        this.after(0.05, () => {
          if (!settle()) return;
          agentHangsUpAfterFailure('CHANUNAVAIL', 0, 20);
        });
        return;
      case 'no-answer':
        this.setState(c1, 5);
        this.after(DIAL_TIMEOUT, () => {
          if (!settle()) return;
          agentHangsUpAfterFailure('NOANSWER', 0, 0);
        });
        return;
      case 'answer': {
        this.setState(c1, 5);
        const ringSeconds = behaviour.ringSeconds ?? 3 + this.random() * 6;
        this.after(ringSeconds, () => {
          if (!settle()) return;
          this.setState(c2, 6);
          this.setState(c1, 6);
          this.dialEnd(a1, c1, 'ANSWER');
          const bridgeId = this.bridge([c1, a1]);
          const leaveFields = bridgeFields(bridgeId, 1);
          let ended = false;
          const end = (by: 'client' | 'agent') => {
            if (ended) return;
            ended = true;
            agent.hangup = null;
            const first = by === 'client' ? [c2, c1] : [a2, a1];
            const second = by === 'client' ? [a1, a2] : [c1, c2];
            this.hangup(first[0] as Chan, 16);
            if (by === 'client') this.cdr(c2, { source: c2.callerNum, destination: number, destinationContext: 'customers', destinationChannel: '', lastApp: 'Hangup', lastData: '', disposition: 'ANSWERED', answeredAt: c2.answeredAt });
            this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(first[1] as Chan)]);
            this.hangup(first[1] as Chan, 16);
            this.event('BridgeLeave', 'call', [...leaveFields, ...this.snapshot(second[0] as Chan)]);
            this.event('BridgeDestroy', 'call', leaveFields);
            this.hangup(second[0] as Chan, 16);
            if (by === 'agent') this.cdr(c2, { source: c2.callerNum, destination: number, destinationContext: 'customers', destinationChannel: '', lastApp: 'Hangup', lastData: '', disposition: 'ANSWERED', answeredAt: c2.answeredAt });
            this.cdr(a1, { source: a1.callerNum, destination: number, destinationContext: 'outbound', destinationChannel: c1.name, lastApp: 'Dial', lastData: `Local/${number}@customers,${DIAL_TIMEOUT}`, disposition: 'ANSWERED', answeredAt: a1.answeredAt });
            this.cdr(a2, { source: a2.callerNum, destination: agent.extension, destinationContext: 'agents', destinationChannel: '', lastApp: 'Wait', lastData: '120', disposition: 'ANSWERED', answeredAt: a2.answeredAt });
            this.hangup(second[1] as Chan, 16);
            this.setDevice(agent, 1);
            this.completedCalls += 1;
          };
          agent.hangup = () => end('agent');
          this.after(behaviour.talkSeconds ?? this.options.talkSeconds, () => end('client'));
        });
        return;
      }
    }
  }

  // ---- what list actions report ------------------------------------------------------------

  /** Hangs up the call a channel belongs to, as a hangup from that side. */
  hangupChannel(name: string): boolean {
    for (const ch of this.channels.values()) {
      if (ch.name !== name) continue;
      const agent = [...this.agents.values()].find((item) => ch.name.startsWith(`Local/${item.extension}@agents-`) || ch.name.startsWith(`PJSIP/${item.extension}-`));
      if (agent?.hangup) {
        agent.hangup();
        return true;
      }
      if (agent?.ring) {
        agent.ring.reject();
        return true;
      }
      for (const list of this.waiting.values()) {
        const entry = list.find((item) => item.caller1 === ch || item.caller2 === ch);
        if (entry) {
          this.cancel(entry.patienceTimer);
          this.abandon(entry);
          return true;
        }
      }
      this.hangup(ch, 16);
      return true;
    }
    return false;
  }

  channelList(): Fields[] {
    const now = this.now();
    const out: Fields[] = [];
    for (const ch of this.channels.values()) {
      const seconds = Math.floor((now - ch.createdAt) / 1000);
      const duration = `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
      out.push([...this.snapshot(ch), ['BridgeId', ch.bridgeId ?? ''], ['Application', ch.application], ['ApplicationData', ch.applicationData], ['Duration', duration]]);
    }
    return out;
  }

  queueStatus(queueFilter: string | null, memberFilter: string | null): Fields[] {
    const now = this.now();
    const out: Fields[] = [];
    for (const [queue, members] of this.queues) {
      if (queueFilter && queue !== queueFilter) continue;
      const stats = this.stats.get(queue) ?? { completed: 0, abandoned: 0, holdTotal: 0, talkTotal: 0 };
      const waiting = this.waiting.get(queue) ?? [];
      out.push([
        ['Event', 'QueueParams'],
        ['Queue', queue],
        ['Max', 0],
        ['Strategy', 'rrmemory'],
        ['Calls', waiting.length],
        // Lower-case t here, unlike QueueSummary.
        ['Holdtime', stats.completed ? Math.round(stats.holdTotal / stats.completed) : 0],
        ['TalkTime', stats.completed ? Math.round(stats.talkTotal / stats.completed) : 0],
        ['Completed', stats.completed],
        ['Abandoned', stats.abandoned],
        ['ServiceLevel', 20],
        ['ServicelevelPerf', '100.0'],
        ['ServicelevelPerf2', '100.0'],
        ['Weight', 0],
      ]);
      for (const [extension, membership] of members) {
        const agent = this.agents.get(extension);
        if (!agent) continue;
        if (memberFilter && memberFilter !== agent.iface && memberFilter !== agent.memberName) continue;
        out.push([['Event', 'QueueMember'], ...this.memberFields(queue, agent, membership, true)]);
      }
      waiting.forEach((entry, index) => {
        const ch = entry.caller2;
        out.push([
          ['Event', 'QueueEntry'],
          ['Queue', queue],
          ['Position', index + 1],
          ['Channel', ch.name],
          ['Uniqueid', ch.uniqueid],
          ['CallerIDNum', ch.callerNum],
          ['CallerIDName', ch.callerName],
          ['ConnectedLineNum', ch.connectedNum],
          ['ConnectedLineName', ch.connectedName],
          ['Wait', Math.floor((now - entry.joinedAt) / 1000)],
          ['Priority', 0],
        ]);
      });
    }
    return out;
  }

  queueSummary(queueFilter: string | null): Fields[] {
    const now = this.now();
    const out: Fields[] = [];
    for (const [queue, members] of this.queues) {
      if (queueFilter && queue !== queueFilter) continue;
      const stats = this.stats.get(queue) ?? { completed: 0, abandoned: 0, holdTotal: 0, talkTotal: 0 };
      const waiting = this.waiting.get(queue) ?? [];
      const available = this.available(queue).length;
      const longest = waiting.reduce((max, entry) => Math.max(max, Math.floor((now - entry.joinedAt) / 1000)), 0);
      out.push([
        ['Event', 'QueueSummary'],
        ['Queue', queue],
        ['LoggedIn', members.size],
        ['Available', available],
        ['Callers', waiting.length],
        ['HoldTime', stats.completed ? Math.round(stats.holdTotal / stats.completed) : 0],
        ['TalkTime', stats.completed ? Math.round(stats.talkTotal / stats.completed) : 0],
        ['LongestHoldTime', longest],
      ]);
    }
    return out;
  }

  activeChannelCount(): number {
    return this.channels.size;
  }
}
