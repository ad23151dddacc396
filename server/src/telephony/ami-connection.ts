/**
 * One AMI session at a time over asterisk-manager, with its defects worked around:
 *
 * - it writes `Event: on|off` at login (Asterisk ignores it, so every class floods in): the login
 *   action is rewritten to `Events: call,agent,cdr,system`;
 * - it reconnects after a fixed 10–60 s and keeps a stale parser/socket: we never use its
 *   keepConnected; each attempt builds a fresh manager, and reconnects follow `reconnectDelay`
 *   (jittered, first retry < 1 s, cap 30 s);
 * - its ActionIDs are `Date.now()` strings that repeat across sessions: every action gets
 *   `crm-<session>-<n>` and a timeout;
 * - it can miss a dead socket: a `Ping` every few seconds, and the socket is destroyed when one
 *   is not answered in time;
 * - it matches responses by ActionID, so an `OriginateResponse` event (which carries `Response:`
 *   and the ActionID) is taken for the answer: we match responses ourselves and only frames
 *   without `Event:` count as responses.
 *
 * Frames reach `onFrame` synchronously from the socket read; the handler must not block.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import AsteriskManager, { type AsteriskManagerInstance } from 'asterisk-manager';
import type { AmiFrame } from './ami-events.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffPolicy } from './backoff.js';

export interface AmiConnectionOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  logger: Logger;
  now: () => number;
  /** Event classes asked for at login. */
  events?: string;
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  actionTimeoutMs?: number;
  backoff?: BackoffPolicy;
  random?: () => number;
  /** A line longer than this without a line end means the peer is broken: reconnect. */
  maxLineBytes?: number;
}

export type AmiFields = Record<string, string | number | boolean | string[] | Record<string, string> | undefined>;

export interface AmiResponse {
  ok: boolean;
  message: string | null;
  frame: AmiFrame;
}

export interface AmiListResult extends AmiResponse {
  items: AmiFrame[];
}

export class AmiActionError extends Error {
  constructor(
    message: string,
    readonly code: 'timeout' | 'disconnected' | 'rejected' | 'invalid',
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (value: AmiListResult) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
  list: boolean;
  response: AmiFrame | null;
  items: AmiFrame[];
}

type ConnectionState = 'idle' | 'connecting' | 'authenticating' | 'up' | 'stopped';

const MAX_REMEMBERED_REASONS = 500;

export class AmiConnection {
  private state: ConnectionState = 'idle';
  private manager: AsteriskManagerInstance | null = null;
  private socket: net.Socket | null = null;
  private session = 0;
  private sequence = 0;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private pingTimer: NodeJS.Timeout | null = null;
  private readonly pending = new Map<string, Pending>();
  private readonly loggedReasons = new Set<string>();
  private lastError: string | null = null;
  private lineLength = 0;
  private frameHandler: (frame: AmiFrame) => void = () => undefined;
  private upHandler: () => void = () => undefined;
  private downHandler: (reason: string) => void = () => undefined;
  private readonly opts: Required<Omit<AmiConnectionOptions, 'logger'>> & { logger: Logger };

  constructor(options: AmiConnectionOptions) {
    this.opts = {
      events: 'call,agent,cdr,system',
      pingIntervalMs: 3000,
      pingTimeoutMs: 5000,
      actionTimeoutMs: 10_000,
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      maxLineBytes: 4 * 1024 * 1024,
      ...options,
    };
  }

  onFrame(handler: (frame: AmiFrame) => void): void {
    this.frameHandler = handler;
  }

  onUp(handler: () => void): void {
    this.upHandler = handler;
  }

  onDown(handler: (reason: string) => void): void {
    this.downHandler = handler;
  }

  isUp(): boolean {
    return this.state === 'up';
  }

  detail(): string | null {
    return this.state === 'up' ? null : (this.lastError ?? this.state);
  }

  start(): void {
    if (this.state !== 'idle' && this.state !== 'stopped') return;
    this.state = 'idle';
    this.connect();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        try {
          socket.end('Action: Logoff\r\nActionID: crm-logoff\r\n\r\n');
        } catch {
          socket.destroy();
        }
        setTimeout(() => socket.destroy(), 300).unref();
      });
    }
    this.teardown('stopped');
  }

  /**
   * Logs a problem once per distinct reason (the stream can repeat one forever). The memory of
   * reasons is bounded: when it is full it starts over, so a reason may be logged again after 500
   * others, but never once per frame.
   */
  problem(reason: string, detail?: Record<string, unknown>): void {
    if (this.loggedReasons.has(reason)) return;
    if (this.loggedReasons.size >= MAX_REMEMBERED_REASONS) this.loggedReasons.clear();
    this.loggedReasons.add(reason);
    this.opts.logger.warn({ reason, ...detail }, `AMI: skipped input (${reason})`);
  }

  /** A fresh ActionID, for callers that must know it before the action is written (Originate). */
  nextActionId(): string {
    return `crm-${this.session}-${++this.sequence}`;
  }

  /** Sends an action and resolves with its response (never with an event that looks like one). */
  async action(fields: AmiFields, timeoutMs?: number): Promise<AmiResponse> {
    const result = await this.send(fields, false, timeoutMs);
    return { ok: result.ok, message: result.message, frame: result.frame };
  }

  /** Sends a list action (QueueStatus, CoreShowChannels…) and collects its items until `…Complete`. */
  listAction(fields: AmiFields, timeoutMs?: number): Promise<AmiListResult> {
    return this.send(fields, true, timeoutMs);
  }

  private send(fields: AmiFields, list: boolean, timeoutMs = this.opts.actionTimeoutMs): Promise<AmiListResult> {
    // asterisk-manager writes values as they are: a line break would end the header and start
    // another (a queue name that carries `\r\nAction: Originate`). Refused here, for every action.
    const broken = headerWithLineBreak(fields);
    if (broken) return Promise.reject(new AmiActionError(`${broken}: must not contain a line break`, 'invalid'));
    const manager = this.manager;
    if (!manager || this.state !== 'up') {
      return Promise.reject(new AmiActionError('AMI is not connected', 'disconnected'));
    }
    const actionId = typeof fields.actionid === 'string' ? fields.actionid : this.nextActionId();
    return new Promise<AmiListResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(actionId);
        manager.removeAllListeners(actionId);
        reject(new AmiActionError(`AMI action ${String(fields.action)} timed out after ${timeoutMs} ms`, 'timeout'));
      }, timeoutMs);
      this.pending.set(actionId, { resolve, reject, timer, list, response: null, items: [] });
      const action: Record<string, unknown> = { ...fields, actionid: actionId };
      manager.action(action);
      // asterisk-manager parks a once-listener per ActionID; we match responses ourselves.
      manager.removeAllListeners(actionId);
    });
  }

  private connect(): void {
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    this.session += 1;
    this.lineLength = 0;
    const session = this.session;
    const manager = AsteriskManager(0, this.opts.host, this.opts.username, this.opts.secret, true);
    this.manager = manager;
    const originalAction = manager.action.bind(manager);
    manager.action = (action, callback) => {
      if (String(action.action).toLowerCase() === 'login') {
        // The package sends `Event: on`; Asterisk wants `Events:` with the classes to receive.
        delete action.event;
        action.events = this.opts.events;
        action.actionid = `crm-${session}-login`;
      }
      return originalAction(action, callback);
    };

    manager.on('managerevent', (frame: AmiFrame) => this.onEvent(session, frame));
    manager.on('response', (frame: AmiFrame) => this.onResponse(session, frame));
    manager.on('asterisk', (frame: AmiFrame) => {
      // The package also passes every action response here (it has no Event:); those were handled above.
      if (session !== this.session || 'response' in frame) return;
      const keys = Object.keys(frame);
      this.problem('frame without Event or Response header', { sample: keys.slice(0, 3).map((key) => key.slice(0, 80)) });
    });
    manager.on('error', (error: Error) => {
      if (session !== this.session) return;
      this.lastError = error.message;
    });

    // asterisk-manager keeps its socket private; catch it as it is created so a dead peer can be cut.
    const createConnection = net.createConnection;
    let socket: net.Socket | null = null;
    (net as { createConnection: typeof net.createConnection }).createConnection = ((...args: Parameters<typeof net.createConnection>) => {
      socket = createConnection(...args);
      return socket;
    }) as typeof net.createConnection;
    // Connect and Login share one deadline: a host that drops SYNs would otherwise hold the attempt
    // for the kernel's connect timeout (about two minutes) before the reconnect even starts.
    const handshakeTimer = setTimeout(
      () => this.drop(session, this.state === 'connecting' ? 'connect not answered' : 'login not answered'),
      this.opts.actionTimeoutMs,
    );
    try {
      manager.connect(this.opts.port, this.opts.host, () => {
        if (session !== this.session) return;
        this.state = 'authenticating';
        manager.login((error?: unknown) => {
          clearTimeout(handshakeTimer);
          if (session !== this.session) return;
          if (error) {
            const message = typeof error === 'object' && error && 'message' in error ? String((error as { message: unknown }).message) : 'login failed';
            this.lastError = `login failed: ${message}`;
            this.opts.logger.error({ host: this.opts.host, port: this.opts.port, username: this.opts.username }, `AMI login failed: ${message}`);
            this.drop(session, this.lastError);
            return;
          }
          this.state = 'up';
          this.attempt = 0;
          this.lastError = null;
          this.opts.logger.info({ host: this.opts.host, port: this.opts.port }, 'AMI connected');
          this.startPing(session);
          this.upHandler();
        });
      });
    } finally {
      (net as { createConnection: typeof net.createConnection }).createConnection = createConnection;
    }
    const captured = socket as net.Socket | null;
    if (!captured) {
      clearTimeout(handshakeTimer);
      this.scheduleReconnect('could not create a socket');
      return;
    }
    this.socket = captured;
    captured.on('data', (chunk: string | Buffer) => this.guardLineLength(session, chunk));
    captured.on('close', () => {
      if (session !== this.session) return;
      this.teardown(this.lastError ?? 'connection closed');
      this.scheduleReconnect(this.lastError ?? 'connection closed');
    });
  }

  /** A peer that never ends a line would grow the parser's buffer forever. */
  private guardLineLength(session: number, chunk: string | Buffer): void {
    if (session !== this.session) return;
    const text = typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    const newline = text.lastIndexOf('\n');
    this.lineLength = newline >= 0 ? text.length - newline - 1 : this.lineLength + text.length;
    if (this.lineLength > this.opts.maxLineBytes) {
      this.problem('line longer than the limit without a line end');
      this.drop(session, 'oversized line');
    }
  }

  private onEvent(session: number, frame: AmiFrame): void {
    if (session !== this.session) return;
    const actionId = typeof frame.actionid === 'string' ? frame.actionid : null;
    if (actionId) {
      const pending = this.pending.get(actionId);
      if (pending?.list) {
        const eventList = typeof frame.eventlist === 'string' ? frame.eventlist.toLowerCase() : '';
        const name = typeof frame.event === 'string' ? frame.event : '';
        if (eventList === 'complete' || name.endsWith('Complete')) {
          this.settle(actionId, pending);
        } else {
          pending.items.push(frame);
        }
      }
    }
    try {
      this.frameHandler(frame);
    } catch (error) {
      this.problem(`event handler failed: ${(error as Error).message}`, { event: frame.event });
    }
  }

  private onResponse(session: number, frame: AmiFrame): void {
    if (session !== this.session) return;
    // OriginateResponse and friends carry Response + ActionID but are events, not answers.
    if (frame.event !== undefined) return;
    const actionId = typeof frame.actionid === 'string' ? frame.actionid : null;
    if (!actionId) return;
    const pending = this.pending.get(actionId);
    if (!pending) {
      if (!actionId.startsWith('crm-')) this.problem('response to an action we did not send');
      return;
    }
    const response = String(frame.response ?? '').toLowerCase();
    pending.response = frame;
    const ok = response === 'success' || response === 'goodbye' || response === 'follows';
    const eventList = typeof frame.eventlist === 'string' ? frame.eventlist.toLowerCase() : '';
    // A list action answers first and completes later; old Asterisk omits `EventList: start`.
    if (pending.list && ok && eventList !== 'complete') return;
    this.settle(actionId, pending);
  }

  private settle(actionId: string, pending: Pending): void {
    clearTimeout(pending.timer);
    this.pending.delete(actionId);
    const frame = pending.response ?? {};
    const ok = String(frame.response ?? '').toLowerCase() !== 'error';
    const message = typeof frame.message === 'string' ? frame.message : null;
    pending.resolve({ ok, message, frame, items: pending.items });
  }

  private startPing(session: number): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (session !== this.session || this.state !== 'up') return;
      this.send({ action: 'Ping' }, false, this.opts.pingTimeoutMs).catch((error: Error) => {
        if (session !== this.session) return;
        this.opts.logger.warn({ error: error.message }, 'AMI peer did not answer Ping; reconnecting');
        this.drop(session, 'keep-alive Ping not answered');
      });
    }, this.opts.pingIntervalMs);
    this.pingTimer.unref();
  }

  /** Cuts the current session (the close handler then schedules the reconnect). */
  private drop(session: number, reason: string): void {
    if (session !== this.session) return;
    this.lastError = reason;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      socket.destroy();
      return;
    }
    this.teardown(reason);
    this.scheduleReconnect(reason);
  }

  private teardown(reason: string): void {
    const wasUp = this.state === 'up';
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = null;
    for (const [actionId, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new AmiActionError(`AMI connection lost (${reason})`, 'disconnected'));
      this.pending.delete(actionId);
    }
    const manager = this.manager;
    this.manager = null;
    const socket = this.socket;
    this.socket = null;
    if (manager) manager.removeAllListeners();
    if (manager) manager.on('error', () => undefined);
    if (socket && !socket.destroyed) socket.destroy();
    // Later events of the old session are ignored.
    this.session += 1;
    if (this.state !== 'stopped') this.state = 'idle';
    if (wasUp) {
      this.opts.logger.warn({ reason }, 'AMI connection lost');
      this.downHandler(reason);
    }
  }

  private scheduleReconnect(reason: string): void {
    if (this.state === 'stopped' || this.reconnectTimer) return;
    const delay = reconnectDelay(this.attempt, this.opts.random, this.opts.backoff);
    this.attempt += 1;
    this.opts.logger.info({ reason, delayMs: delay, attempt: this.attempt }, 'AMI reconnecting');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }
}

function headerWithLineBreak(fields: AmiFields): string | null {
  for (const [key, value] of Object.entries(fields)) {
    const values = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.entries(value).flat() : [value];
    if (values.some((item) => typeof item === 'string' && /[\r\n]/.test(item))) return key;
  }
  return null;
}
