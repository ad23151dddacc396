/**
 * PBX simulator: a TCP server that speaks AMI like Asterisk 22 (banner, Login, `Events:`
 * filtering, FullyBooted, the actions the CRM uses with their real response shapes and event
 * lists) on top of `SimPbx`, plus realistic inbound traffic and a load mode.
 *
 * Only the simulator offers `Action: SimPhone` (`Extension:`, `Command: answer|reject|hangup|attach|detach`):
 * the control channel through which a logged-in agent's console drives the simulated phone of
 * its extension. `attach` marks the phone as human-driven (it stops answering by itself).
 * `Command: dial` with `Number: <extension>` makes the phone call a colleague (a call between agents).
 */
import net from 'node:net';
import type { Logger } from 'pino';
import { formatMessage, parseActions, parseCallerId, type ClientAction, type Fields } from './ami-wire.js';
import { SimPbx, type DestinationBehaviour, type EventClass } from './sim-pbx.js';
import { startTraffic, type TrafficOptions } from './traffic.js';

export type { DestinationBehaviour } from './sim-pbx.js';
export type { TrafficOptions } from './traffic.js';

export interface PbxSimulatorOptions {
  port?: number;
  host?: string;
  username?: string;
  secret?: string;
  logger?: Logger;
  /** Real ms per simulated ms (1 = real time; 0.05 = twenty times faster). */
  timeScale?: number;
  /** Seconds a demo agent's phone rings before it answers by itself. */
  agentRingSeconds?: number;
  talkSeconds?: number;
  traffic?: Partial<TrafficOptions> & { enabled: boolean };
  callers?: Array<{ number: string; name: string }>;
  random?: () => number;
  /**
   * Unsent bytes a session may pile up before it is dropped (default 16 MiB). Asterisk drops a
   * session whose writes block longer than its `writetimeout`; without this a client that stops
   * reading would make the simulator buffer every event for it, for as long as it runs.
   */
  maxSessionBacklogBytes?: number;
}

export interface PbxSimulator {
  port: number;
  host: string;
  close(): Promise<void>;
  /** A caller dials in and waits in `queue`; returns the call's Linkedid. */
  placeInboundCall(input: { from: string; name?: string; queue: string; patienceSeconds?: number; talkSeconds?: number }): string;
  /**
   * Agent `from` dials extension `to` from their desk phone (a call between colleagues); returns the
   * call's Linkedid. Throws when either extension has no simulated phone or `from` is busy.
   */
  placeInternalCall(input: { from: string; to: string; talkSeconds?: number }): string;
  /** Drives an agent's phone as a human would. Returns false when there was nothing to do. */
  phone(extension: string, command: PhoneCommand): boolean;
  /** How the client at `number` reacts to click-to-call Originates. */
  setDestinationBehaviour(number: string, behaviour: DestinationBehaviour | null): void;
  /** Starts generating `callsPerSecond` inbound calls (load mode); returns a stop function. */
  startLoad(callsPerSecond: number): () => void;
  /** Calls that finished (answered and hung up, abandoned, or failed) since start. */
  completedCalls(): number;
  activeChannels(): number;
  sessions(): number;
  /** Cuts every AMI session (drop tests). */
  dropSessions(): void;
}

export type PhoneCommand = 'answer' | 'reject' | 'hangup' | 'attach' | 'detach';

interface Session {
  socket: net.Socket;
  authenticated: boolean;
  /** Event classes this session receives (null = all). */
  classes: Set<string> | null;
  eventsOn: boolean;
  buffer: string;
}

const FULL_BOOT_AT = Date.now();

export async function startPbxSimulator(options: PbxSimulatorOptions = {}): Promise<PbxSimulator> {
  const username = options.username ?? 'crm';
  const secret = options.secret ?? 'crm-secret';
  const host = options.host ?? '127.0.0.1';
  const logger = options.logger;
  const sessions = new Set<Session>();
  const random = options.random ?? Math.random;
  const maxBacklog = options.maxSessionBacklogBytes ?? 16 * 1024 * 1024;

  const broadcast = (name: string, eventClass: EventClass, fields: Fields) => {
    if (sessions.size === 0) return;
    const message = formatMessage([['Event', name], ['Privilege', `${eventClass},all`], ...fields]);
    for (const session of sessions) {
      if (!session.authenticated || !session.eventsOn) continue;
      if (session.classes && !session.classes.has(eventClass)) continue;
      if (session.socket.writableLength > maxBacklog) {
        logger?.warn({ backlogBytes: session.socket.writableLength, remote: session.socket.remotePort }, 'PBX simulator: dropping an AMI session that stopped reading');
        sessions.delete(session);
        session.socket.destroy();
        continue;
      }
      session.socket.write(message);
    }
  };

  const pbx = new SimPbx({
    timeScale: options.timeScale ?? 1,
    agentRingSeconds: options.agentRingSeconds ?? 3,
    talkSeconds: options.talkSeconds ?? 40,
    random,
    emit: broadcast,
  });

  const respond = (session: Session, actionId: string | undefined, fields: Fields) => {
    const head: Fields = [];
    const rest: Fields = [];
    for (const field of fields) (field[0] === 'Response' ? head : rest).push(field);
    if (actionId !== undefined) head.push(['ActionID', actionId]);
    session.socket.write(formatMessage([...head, ...rest]));
  };

  const sendList = (session: Session, actionId: string | undefined, message: string, items: Fields[], complete: string) => {
    const withId = (fields: Fields): Fields => (actionId === undefined ? fields : [...fields, ['ActionID', actionId]]);
    let out = formatMessage([['Response', 'Success'], ...(actionId === undefined ? [] : ([['ActionID', actionId]] as Fields)), ['EventList', 'start'], ['Message', message]]);
    for (const item of items) out += formatMessage(withId(item));
    out += formatMessage(withId([['Event', complete], ['EventList', 'Complete'], ['ListItems', items.length]]));
    session.socket.write(out);
  };

  const parseEventMask = (value: string | undefined): { on: boolean; classes: Set<string> | null } => {
    if (value === undefined) return { on: true, classes: null };
    const lower = value.trim().toLowerCase();
    if (lower === 'on' || lower === 'all' || lower === 'yes') return { on: true, classes: null };
    if (lower === 'off' || lower === 'no' || lower === '') return { on: false, classes: null };
    return { on: true, classes: new Set(lower.split(',').map((item) => item.trim()).filter(Boolean)) };
  };

  const phone = (extension: string, command: PhoneCommand): boolean => {
    const agent = pbx.agents.get(extension);
    if (!agent) return false;
    switch (command) {
      case 'attach':
        agent.human = true;
        return true;
      case 'detach':
        agent.human = false;
        return true;
      case 'answer':
        if (!agent.ring) return false;
        agent.ring.answer();
        return true;
      case 'reject':
        if (!agent.ring) return false;
        agent.ring.reject();
        return true;
      case 'hangup':
        if (agent.hangup) {
          agent.hangup();
          return true;
        }
        if (agent.ring) {
          agent.ring.reject();
          return true;
        }
        return false;
    }
  };

  const handleAction = (session: Session, action: ClientAction) => {
    const get = (key: string) => action.headers.get(key);
    const actionId = get('actionid');
    const name = (get('action') ?? '').toLowerCase();
    if (!name) {
      respond(session, actionId, [['Response', 'Error'], ['Message', 'Missing action in request']]);
      return;
    }
    if (!session.authenticated && name !== 'login' && name !== 'challenge' && name !== 'logoff') {
      respond(session, actionId, [['Response', 'Error'], ['Message', 'Permission denied']]);
      return;
    }
    switch (name) {
      case 'login': {
        if (get('username') !== username || get('secret') !== secret) {
          broadcast('InvalidPassword', 'security', [['Severity', 'Error'], ['Service', 'AMI'], ['EventVersion', 2], ['AccountID', get('username') ?? ''], ['RemoteAddress', `IPV4/TCP/${session.socket.remoteAddress}/${session.socket.remotePort}`]]);
          // Asterisk makes a failed login wait about a second, answers, then closes.
          setTimeout(() => {
            if (session.socket.destroyed) return;
            respond(session, actionId, [['Response', 'Error'], ['Message', 'Authentication failed']]);
            session.socket.end();
          }, 1000);
          return;
        }
        const mask = parseEventMask(get('events'));
        session.authenticated = true;
        session.eventsOn = mask.on;
        session.classes = mask.classes;
        respond(session, actionId, [['Response', 'Success'], ['Message', 'Authentication accepted']]);
        if (session.eventsOn && (!session.classes || session.classes.has('system'))) {
          const uptime = Math.floor((Date.now() - FULL_BOOT_AT) / 1000);
          session.socket.write(formatMessage([['Event', 'FullyBooted'], ['Privilege', 'system,all'], ['Uptime', uptime], ['LastReload', uptime], ['Status', 'Fully Booted']]));
        }
        return;
      }
      case 'logoff':
        respond(session, actionId, [['Response', 'Goodbye'], ['Message', 'Thanks for all the fish.']]);
        session.socket.end();
        return;
      case 'ping':
        respond(session, actionId, [['Response', 'Success'], ['Ping', 'Pong'], ['Timestamp', (Date.now() / 1000).toFixed(6)]]);
        return;
      case 'events': {
        const mask = parseEventMask(get('eventmask'));
        session.eventsOn = mask.on;
        session.classes = mask.classes;
        respond(session, actionId, [['Response', 'Success'], ['Events', mask.on ? 'On' : 'Off']]);
        return;
      }
      case 'originate': {
        const channel = get('channel');
        if (!channel) {
          respond(session, actionId, [['Response', 'Error'], ['Message', 'Channel not specified']]);
          return;
        }
        const exten = get('exten') ?? '';
        const context = get('context') ?? 'outbound';
        const callerId = parseCallerId(get('callerid'));
        respond(session, actionId, [['Response', 'Success'], ['Message', 'Originate successfully queued']]);
        pbx.originate({
          channel,
          context,
          exten,
          callerIdNum: callerId.num,
          callerIdName: callerId.name,
          timeoutMs: Number(get('timeout') ?? 30_000) || 30_000,
          respond: (fields) => {
            // OriginateResponse goes to the session that asked, with its ActionID and a Response: header.
            if (session.socket.destroyed) return;
            const message: Fields = [['Event', 'OriginateResponse'], ['Privilege', 'call,all']];
            if (actionId !== undefined) message.push(['ActionID', actionId]);
            session.socket.write(formatMessage([...message, ...fields]));
          },
        });
        return;
      }
      case 'queuepause': {
        const iface = get('interface');
        const agent = iface ? pbx.agentByInterface(iface) : undefined;
        const pausedRaw = (get('paused') ?? '').toLowerCase();
        if (!agent || !['true', 'false', '1', '0', 'yes', 'no'].includes(pausedRaw)) {
          respond(session, actionId, [['Response', 'Error'], ['Message', !agent ? 'Interface not found' : 'Need \'Paused\' parameter']]);
          return;
        }
        const paused = pausedRaw === 'true' || pausedRaw === '1' || pausedRaw === 'yes';
        const count = pbx.pause(agent, get('queue') ?? null, paused, get('reason') ?? '');
        if (count === 0) {
          respond(session, actionId, [['Response', 'Error'], ['Message', 'Interface not found']]);
          return;
        }
        respond(session, actionId, [['Response', 'Success'], ['Message', paused ? 'Interface paused successfully' : 'Interface unpaused successfully']]);
        return;
      }
      case 'queueadd': {
        const queue = get('queue');
        const iface = get('interface');
        if (!queue || !iface) {
          respond(session, actionId, [['Response', 'Error'], ['Message', "'Queue' and 'Interface' not specified."]]);
          return;
        }
        const match = /(\d{3,8})/.exec(iface);
        const agent = match?.[1] ? pbx.ensureAgent(match[1]) : undefined;
        if (!agent || !pbx.queues.has(queue)) {
          respond(session, actionId, [['Response', 'Error'], ['Message', 'Unable to add interface to queue: No such queue']]);
          return;
        }
        const added = pbx.addMember(queue, agent, (get('paused') ?? '').toLowerCase() === 'true', Number(get('penalty') ?? 0) || 0);
        respond(session, actionId, added ? [['Response', 'Success'], ['Message', 'Added interface to queue']] : [['Response', 'Error'], ['Message', 'Unable to add interface: Already there']]);
        return;
      }
      case 'queueremove': {
        const queue = get('queue');
        const iface = get('interface');
        const agent = iface ? pbx.agentByInterface(iface) : undefined;
        if (!queue || !agent) {
          respond(session, actionId, [['Response', 'Error'], ['Message', 'Unable to remove interface: Not there']]);
          return;
        }
        const removed = pbx.removeMember(queue, agent);
        respond(session, actionId, removed ? [['Response', 'Success'], ['Message', 'Removed interface from queue']] : [['Response', 'Error'], ['Message', 'Unable to remove interface: Not there']]);
        return;
      }
      case 'queuestatus':
        sendList(session, actionId, 'Queue status will follow', pbx.queueStatus(get('queue') ?? null, get('member') ?? null), 'QueueStatusComplete');
        return;
      case 'queuesummary':
        sendList(session, actionId, 'Queue summary will follow', pbx.queueSummary(get('queue') ?? null), 'QueueSummaryComplete');
        return;
      case 'coreshowchannels':
        sendList(session, actionId, 'Channels will follow', pbx.channelList().map((fields) => [['Event', 'CoreShowChannel'], ...fields] as Fields), 'CoreShowChannelsComplete');
        return;
      case 'hangup': {
        const channel = get('channel') ?? '';
        const done = pbx.hangupChannel(channel);
        respond(session, actionId, done ? [['Response', 'Success'], ['Message', 'Channel Hungup']] : [['Response', 'Error'], ['Message', 'No such channel']]);
        return;
      }
      case 'simphone': {
        const extension = get('extension') ?? '';
        const rawCommand = (get('command') ?? '').toLowerCase();
        if (rawCommand === 'dial') {
          // The phone dials a colleague's extension (`Number:`), as a desk phone would.
          try {
            const linkedid = pbx.placeInternalCall({ from: extension, to: get('number') ?? '' });
            respond(session, actionId, [['Response', 'Success'], ['Message', `Phone ${extension}: dialing ${get('number') ?? ''}`], ['Linkedid', linkedid]]);
          } catch (error) {
            respond(session, actionId, [['Response', 'Error'], ['Message', (error as Error).message]]);
          }
          return;
        }
        const command = rawCommand as PhoneCommand;
        if (!['answer', 'reject', 'hangup', 'attach', 'detach'].includes(command)) {
          respond(session, actionId, [['Response', 'Error'], ['Message', 'Command must be answer, reject, hangup, attach, detach or dial']]);
          return;
        }
        const agent = pbx.agents.get(extension);
        if (!agent) {
          respond(session, actionId, [['Response', 'Error'], ['Message', `No simulated phone for extension ${extension}`]]);
          return;
        }
        // Any command from a console means a human drives this phone now.
        if (command !== 'detach') agent.human = true;
        const done = phone(extension, command);
        respond(session, actionId, done ? [['Response', 'Success'], ['Message', `Phone ${extension}: ${command}`]] : [['Response', 'Error'], ['Message', `Phone ${extension} has nothing to ${command}`]]);
        return;
      }
      default:
        broadcast('RequestBadFormat', 'security', [['Severity', 'Error'], ['Service', 'AMI'], ['EventVersion', 1], ['RequestType', get('action') ?? '']]);
        respond(session, actionId, [['Response', 'Error'], ['Message', `Invalid/unknown command: ${get('action') ?? ''}. Use Action: ListCommands to show available commands.`]]);
    }
  };

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const session: Session = { socket, authenticated: false, classes: null, eventsOn: true, buffer: '' };
    sessions.add(session);
    socket.setEncoding('utf8');
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    socket.on('data', (chunk: string) => {
      session.buffer += chunk;
      if (session.buffer.length > 1024 * 1024) {
        socket.destroy();
        return;
      }
      const { actions, rest } = parseActions(session.buffer);
      session.buffer = rest;
      for (const action of actions) {
        try {
          handleAction(session, action);
        } catch (error) {
          logger?.error({ err: error }, 'PBX simulator: action failed');
          respond(session, action.headers.get('actionid'), [['Response', 'Error'], ['Message', 'Internal error']]);
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sessions.delete(session));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('PBX simulator has no address');

  let stopTraffic: (() => void) | null = null;
  if (options.traffic?.enabled) {
    stopTraffic = startTraffic(pbx, { ...options.traffic, callers: options.callers ?? [] }, random);
  }
  const loads = new Set<() => void>();
  logger?.info({ port: address.port, username }, 'PBX simulator listening (AMI)');

  return {
    port: address.port,
    host,
    placeInboundCall: (input) => pbx.placeInboundCall(input),
    placeInternalCall: (input) => pbx.placeInternalCall(input),
    phone,
    setDestinationBehaviour: (number, behaviour) => {
      if (behaviour) pbx.destinations.set(number, behaviour);
      else pbx.destinations.delete(number);
    },
    startLoad: (callsPerSecond) => {
      const stop = startTraffic(
        pbx,
        { callsPerMinute: callsPerSecond * 60, patienceSeconds: 2, talkSeconds: 1, callers: options.callers ?? [], exact: true },
        random,
      );
      loads.add(stop);
      return () => {
        stop();
        loads.delete(stop);
      };
    },
    completedCalls: () => pbx.completedCalls,
    activeChannels: () => pbx.activeChannelCount(),
    sessions: () => sessions.size,
    dropSessions: () => {
      for (const session of sessions) session.socket.destroy();
    },
    close: async () => {
      stopTraffic?.();
      for (const stop of loads) stop();
      pbx.close();
      for (const session of sessions) session.socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
