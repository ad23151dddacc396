/**
 * AMI frames (as parsed by asterisk-manager: lower-cased keys, string values) turned into the
 * few typed events the call and agent models understand. Pure and allocation-light: this runs
 * for every event Asterisk sends. Everything Asterisk-specific about field names, units and
 * quirks is settled here, so nothing past this file reads an AMI header.
 */

export type AmiFrame = Record<string, unknown>;

/** A channel as one event shows it (the standard channel snapshot). */
export interface ChannelRef {
  channel: string;
  uniqueid: string;
  linkedid: string;
  /** Numeric channel state: 0 down, 4 ring, 5 ringing, 6 up, 7 busy. */
  state: number;
  callerNum: string | null;
  callerName: string | null;
  connectedNum: string | null;
  context: string | null;
  exten: string | null;
}

export interface MemberRef {
  queue: string;
  /** `Interface` in events, `Location` in QueueStatus lists. */
  iface: string | null;
  /** `MemberName` in events, `Name` in QueueStatus lists. */
  memberName: string | null;
  stateInterface: string | null;
}

export type PbxEvent =
  | { kind: 'channel'; at: number; ch: ChannelRef; created: boolean }
  | { kind: 'dial-begin'; at: number; caller: ChannelRef | null; dest: ChannelRef; dialString: string | null }
  | { kind: 'dial-end'; at: number; caller: ChannelRef | null; dest: ChannelRef; dialStatus: string }
  | { kind: 'bridge-enter'; at: number; ch: ChannelRef }
  | { kind: 'hangup'; at: number; ch: ChannelRef; cause: number | null }
  | { kind: 'queue-join'; at: number; ch: ChannelRef; queue: string }
  | { kind: 'queue-leave'; at: number; ch: ChannelRef; queue: string }
  | { kind: 'queue-abandon'; at: number; ch: ChannelRef; queue: string; holdSeconds: number | null }
  | { kind: 'agent-called'; at: number; caller: ChannelRef | null; dest: ChannelRef | null; member: MemberRef }
  | { kind: 'agent-connect'; at: number; caller: ChannelRef | null; dest: ChannelRef | null; member: MemberRef; holdSeconds: number | null; ringSeconds: number | null }
  | { kind: 'agent-ring-no-answer'; at: number; caller: ChannelRef | null; dest: ChannelRef | null; member: MemberRef; ringSeconds: number | null }
  | { kind: 'agent-complete'; at: number; caller: ChannelRef | null; dest: ChannelRef | null; member: MemberRef; holdSeconds: number | null; talkSeconds: number | null; reason: string | null }
  | { kind: 'originate-response'; at: number; actionId: string | null; success: boolean; reason: number | null; channel: string | null; uniqueid: string | null }
  | { kind: 'member-status'; at: number; member: MemberRef; status: number | null; paused: boolean | null; pausedReason: string | null; inCall: boolean | null }
  | { kind: 'member-pause'; at: number; member: MemberRef; paused: boolean; pausedReason: string | null }
  | { kind: 'member-removed'; at: number; member: MemberRef }
  | { kind: 'cdr'; at: number; uniqueid: string; channel: string | null; disposition: string | null; billableSeconds: number | null }
  | { kind: 'channel-snapshot'; at: number; actionId: string | null; ch: ChannelRef; bridgeId: string | null; application: string | null; applicationData: string | null; durationSeconds: number | null }
  | { kind: 'queue-entry'; at: number; actionId: string | null; queue: string; ch: ChannelRef; waitSeconds: number | null; position: number | null }
  | { kind: 'queue-summary'; at: number; actionId: string | null; queue: string; loggedIn: number | null; available: number | null; callers: number | null; longestHoldSeconds: number | null }
  | { kind: 'queue-params'; at: number; actionId: string | null; queue: string; calls: number | null; completed: number | null; abandoned: number | null; serviceLevelSeconds: number | null }
  | { kind: 'list-complete'; at: number; actionId: string | null; name: string }
  | { kind: 'fully-booted'; at: number };

/** Why a frame was skipped; the connection logs each reason once. */
export type FrameProblem = { reason: string; detail?: string };

function str(value: unknown): string | null {
  if (typeof value === 'string') return value;
  // asterisk-manager turns a repeated header into an array; the first one is what Asterisk meant.
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return null;
}

function num(value: unknown): number | null {
  const text = str(value);
  if (text === null || text === '') return null;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : null;
}

function flag(value: unknown): boolean | null {
  const text = str(value);
  if (text === null || text === '') return null;
  const lower = text.toLowerCase();
  return lower === '1' || lower === 'true' || lower === 'yes';
}

function nonEmpty(value: unknown): string | null {
  const text = str(value);
  return text === null || text === '' || text === '<unknown>' ? null : text;
}

/** `HH:MM:SS` (CoreShowChannel Duration) or plain seconds. */
function durationSeconds(value: unknown): number | null {
  const text = str(value);
  if (!text) return null;
  const parts = text.split(':');
  if (parts.length === 3) {
    const [h, m, s] = parts.map(Number) as [number, number, number];
    return Number.isFinite(h + m + s) ? h * 3600 + m * 60 + s : null;
  }
  return num(text);
}

/** Where a channel snapshot's fields sit in a frame: plain for the event's channel, `Dest…` for the dialed / member one. */
const SNAPSHOT_KEYS = {
  caller: { channel: 'channel', uniqueid: 'uniqueid', linkedid: 'linkedid', state: 'channelstate', callerNum: 'calleridnum', callerName: 'calleridname', connectedNum: 'connectedlinenum', context: 'context', exten: 'exten' },
  dest: { channel: 'destchannel', uniqueid: 'destuniqueid', linkedid: 'destlinkedid', state: 'destchannelstate', callerNum: 'destcalleridnum', callerName: 'destcalleridname', connectedNum: 'destconnectedlinenum', context: 'destcontext', exten: 'destexten' },
} as const;

function snapshotOf(frame: AmiFrame, keys: (typeof SNAPSHOT_KEYS)[keyof typeof SNAPSHOT_KEYS]): ChannelRef | null {
  const channel = str(frame[keys.channel]);
  const uniqueid = str(frame[keys.uniqueid]);
  if (!channel || !uniqueid || uniqueid === '<unknown>') return null;
  return {
    channel,
    uniqueid,
    linkedid: str(frame[keys.linkedid]) ?? uniqueid,
    state: num(frame[keys.state]) ?? 0,
    callerNum: nonEmpty(frame[keys.callerNum]),
    callerName: nonEmpty(frame[keys.callerName]),
    connectedNum: nonEmpty(frame[keys.connectedNum]),
    context: nonEmpty(frame[keys.context]),
    exten: nonEmpty(frame[keys.exten]),
  };
}

/** The caller's standard channel snapshot; null when the event carries none (e.g. an originate's DialBegin). */
function channelOf(frame: AmiFrame): ChannelRef | null {
  return snapshotOf(frame, SNAPSHOT_KEYS.caller);
}

/** The `Dest…`-prefixed snapshot of the dialed / member channel. */
function destOf(frame: AmiFrame): ChannelRef | null {
  return snapshotOf(frame, SNAPSHOT_KEYS.dest);
}

function memberOf(frame: AmiFrame, listItem: boolean): MemberRef | null {
  const queue = str(frame.queue);
  if (!queue) return null;
  return {
    queue,
    iface: nonEmpty(listItem ? frame.location : frame.interface) ?? nonEmpty(frame.interface),
    memberName: nonEmpty(listItem ? frame.name : frame.membername) ?? nonEmpty(frame.membername),
    stateInterface: nonEmpty(frame.stateinterface),
  };
}

export type NormalizeResult =
  | { ok: true; event: PbxEvent }
  | { ok: false; problem: FrameProblem | null };

const IGNORED: NormalizeResult = { ok: false, problem: null };

function missing(eventName: string, field: string): NormalizeResult {
  return { ok: false, problem: { reason: `${eventName} without ${field}` } };
}

/**
 * One AMI event frame → one typed event, or the reason it was skipped (`problem: null` = an
 * event we deliberately do not use, such as VarSet or DeviceStateChange).
 */
export function normalizeAmiEvent(frame: AmiFrame, at: number): NormalizeResult {
  const name = str(frame.event);
  if (!name) return { ok: false, problem: { reason: 'frame without Event header' } };
  const actionId = str(frame.actionid);
  switch (name) {
    case 'Newchannel':
    case 'Newstate':
    case 'NewCallerid':
    case 'NewConnectedLine': {
      const ch = channelOf(frame);
      if (!ch) return missing(name, 'Channel/Uniqueid');
      return { ok: true, event: { kind: 'channel', at, ch, created: name === 'Newchannel' } };
    }
    case 'DialBegin':
    case 'DialEnd': {
      const dest = destOf(frame);
      if (!dest) return missing(name, 'DestChannel/DestUniqueid');
      const caller = channelOf(frame);
      if (name === 'DialBegin') {
        return { ok: true, event: { kind: 'dial-begin', at, caller, dest, dialString: nonEmpty(frame.dialstring) } };
      }
      const dialStatus = str(frame.dialstatus);
      if (!dialStatus) return missing(name, 'DialStatus');
      return { ok: true, event: { kind: 'dial-end', at, caller, dest, dialStatus: dialStatus.toUpperCase() } };
    }
    case 'BridgeEnter': {
      const ch = channelOf(frame);
      if (!ch) return missing(name, 'Channel/Uniqueid');
      return { ok: true, event: { kind: 'bridge-enter', at, ch } };
    }
    case 'Hangup': {
      const ch = channelOf(frame);
      if (!ch) return missing(name, 'Channel/Uniqueid');
      return { ok: true, event: { kind: 'hangup', at, ch, cause: num(frame.cause) } };
    }
    case 'QueueCallerJoin':
    case 'QueueCallerLeave':
    case 'QueueCallerAbandon': {
      const ch = channelOf(frame);
      const queue = str(frame.queue);
      if (!ch) return missing(name, 'Channel/Uniqueid');
      if (!queue) return missing(name, 'Queue');
      if (name === 'QueueCallerJoin') return { ok: true, event: { kind: 'queue-join', at, ch, queue } };
      if (name === 'QueueCallerLeave') return { ok: true, event: { kind: 'queue-leave', at, ch, queue } };
      return { ok: true, event: { kind: 'queue-abandon', at, ch, queue, holdSeconds: num(frame.holdtime) } };
    }
    case 'AgentCalled':
    case 'AgentConnect':
    case 'AgentRingNoAnswer':
    case 'AgentComplete': {
      const member = memberOf(frame, false);
      if (!member) return missing(name, 'Queue');
      if (!member.iface && !member.memberName) return missing(name, 'Interface/MemberName');
      // AgentComplete can arrive after the caller's channel is gone: no caller snapshot then.
      const caller = channelOf(frame);
      const dest = destOf(frame);
      if (!caller && !dest) return missing(name, 'Channel and DestChannel');
      if (name === 'AgentCalled') return { ok: true, event: { kind: 'agent-called', at, caller, dest, member } };
      if (name === 'AgentConnect') {
        // RingTime is in seconds here…
        return { ok: true, event: { kind: 'agent-connect', at, caller, dest, member, holdSeconds: num(frame.holdtime), ringSeconds: num(frame.ringtime) } };
      }
      if (name === 'AgentRingNoAnswer') {
        // …but in milliseconds here.
        const ringMs = num(frame.ringtime);
        return { ok: true, event: { kind: 'agent-ring-no-answer', at, caller, dest, member, ringSeconds: ringMs === null ? null : ringMs / 1000 } };
      }
      return {
        ok: true,
        event: { kind: 'agent-complete', at, caller, dest, member, holdSeconds: num(frame.holdtime), talkSeconds: num(frame.talktime), reason: nonEmpty(frame.reason) },
      };
    }
    case 'OriginateResponse': {
      const response = str(frame.response);
      const uniqueid = str(frame.uniqueid);
      return {
        ok: true,
        event: {
          kind: 'originate-response',
          at,
          actionId,
          // `Failure` is a failure even though it is not `Error`.
          success: response !== null && response.toLowerCase() === 'success',
          reason: num(frame.reason),
          channel: nonEmpty(frame.channel),
          uniqueid: uniqueid && uniqueid !== '<unknown>' ? uniqueid : null,
        },
      };
    }
    case 'QueueMemberStatus':
    case 'QueueMemberAdded':
    case 'QueueMember': {
      const member = memberOf(frame, name === 'QueueMember');
      if (!member) return missing(name, 'Queue');
      if (!member.iface && !member.memberName) return missing(name, 'Interface/MemberName');
      return {
        ok: true,
        event: { kind: 'member-status', at, member, status: num(frame.status), paused: flag(frame.paused), pausedReason: nonEmpty(frame.pausedreason), inCall: flag(frame.incall) },
      };
    }
    case 'QueueMemberPause': {
      const member = memberOf(frame, false);
      if (!member) return missing(name, 'Queue');
      const paused = flag(frame.paused);
      if (paused === null) return missing(name, 'Paused');
      return { ok: true, event: { kind: 'member-pause', at, member, paused, pausedReason: nonEmpty(frame.pausedreason) ?? nonEmpty(frame.reason) } };
    }
    case 'QueueMemberRemoved': {
      const member = memberOf(frame, false);
      if (!member) return missing(name, 'Queue');
      return { ok: true, event: { kind: 'member-removed', at, member } };
    }
    case 'Cdr': {
      // The one event that spells it `UniqueID`; the parser lower-cases keys, so it reads the same.
      const uniqueid = str(frame.uniqueid);
      if (!uniqueid) return missing(name, 'UniqueID');
      return { ok: true, event: { kind: 'cdr', at, uniqueid, channel: nonEmpty(frame.channel), disposition: nonEmpty(frame.disposition), billableSeconds: num(frame.billableseconds) } };
    }
    case 'CoreShowChannel': {
      const ch = channelOf(frame);
      if (!ch) return missing(name, 'Channel/Uniqueid');
      return {
        ok: true,
        event: {
          kind: 'channel-snapshot',
          at,
          actionId,
          ch,
          bridgeId: nonEmpty(frame.bridgeid),
          application: nonEmpty(frame.application),
          applicationData: nonEmpty(frame.applicationdata),
          durationSeconds: durationSeconds(frame.duration),
        },
      };
    }
    case 'QueueEntry': {
      const queue = str(frame.queue);
      const channel = str(frame.channel);
      const uniqueid = str(frame.uniqueid);
      if (!queue || !channel || !uniqueid) return missing(name, 'Queue/Channel/Uniqueid');
      const ch: ChannelRef = {
        channel,
        uniqueid,
        linkedid: str(frame.linkedid) ?? uniqueid,
        state: 6,
        callerNum: nonEmpty(frame.calleridnum),
        callerName: nonEmpty(frame.calleridname),
        connectedNum: nonEmpty(frame.connectedlinenum),
        context: null,
        exten: null,
      };
      return { ok: true, event: { kind: 'queue-entry', at, actionId, queue, ch, waitSeconds: num(frame.wait), position: num(frame.position) } };
    }
    case 'QueueSummary': {
      const queue = str(frame.queue);
      if (!queue) return missing(name, 'Queue');
      return {
        ok: true,
        event: {
          kind: 'queue-summary',
          at,
          actionId,
          queue,
          loggedIn: num(frame.loggedin),
          available: num(frame.available),
          callers: num(frame.callers),
          longestHoldSeconds: num(frame.longestholdtime),
        },
      };
    }
    case 'QueueParams': {
      const queue = str(frame.queue);
      if (!queue) return missing(name, 'Queue');
      return {
        ok: true,
        event: { kind: 'queue-params', at, actionId, queue, calls: num(frame.calls), completed: num(frame.completed), abandoned: num(frame.abandoned), serviceLevelSeconds: num(frame.servicelevel) },
      };
    }
    case 'QueueStatusComplete':
    case 'QueueSummaryComplete':
    case 'CoreShowChannelsComplete':
      return { ok: true, event: { kind: 'list-complete', at, actionId, name } };
    case 'FullyBooted':
      return { ok: true, event: { kind: 'fully-booted', at } };
    default:
      if (KNOWN_UNUSED.has(name)) return IGNORED;
      return { ok: false, problem: { reason: `unknown event ${name.slice(0, 64)}` } };
  }
}

/** Events Asterisk sends that the CRM has no use for: skipped without a log line. */
const KNOWN_UNUSED = new Set([
  'VarSet', 'Newexten', 'DeviceStateChange', 'LocalBridge', 'LocalOptimizationBegin', 'LocalOptimizationEnd',
  'HangupRequest', 'SoftHangupRequest', 'HangupHandlerPush', 'HangupHandlerRun', 'HangupHandlerPop',
  'MusicOnHoldStart', 'MusicOnHoldStop', 'DialState', 'BridgeCreate', 'BridgeLeave', 'BridgeDestroy', 'BridgeMerge',
  'SuccessfulAuth', 'InvalidPassword', 'ChallengeSent', 'RequestBadFormat', 'FailedACL', 'InvalidAccountID',
  'Shutdown', 'Reload', 'ExtensionStatus', 'PeerStatus', 'ContactStatus', 'Registry', 'RTCPSent', 'RTCPReceived',
  'NewAccountCode', 'Rename', 'Hold', 'Unhold', 'DTMFBegin', 'DTMFEnd', 'UserEvent', 'AgentLogin',
  'AgentLogoff', 'AgentDump', 'QueueMemberPenalty', 'QueueMemberRinginuse', 'ChanSpyStart', 'ChanSpyStop', 'AttendedTransfer', 'BlindTransfer', 'Pickup', 'MixMonitorStart',
  'MixMonitorStop', 'QueueCallerJoinAnnounce', 'CEL', 'Status', 'StatusComplete', 'DeviceStateListComplete',
]);
