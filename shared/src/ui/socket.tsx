import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from 'react';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../events.js';
import { useLatest } from './use-latest.js';

/** The consoles' socket, typed by the one event contract in `shared/`. */
export type CrmSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface ConnectionSnapshot {
  state: ConnectionState;
  /** Reconnection attempt number while reconnecting, else 0. */
  attempt: number;
}

/**
 * Same origin and default path unless `url` says otherwise; the httpOnly session cookie
 * authenticates the socket. Not connected until a `SocketProvider` mounts it.
 */
export function createCrmSocket({ url, ...options }: Partial<ManagerOptions & SocketOptions> & { url?: string } = {}): CrmSocket {
  const settings = { withCredentials: true, autoConnect: false, ...options };
  return url ? io(url, settings) : io(settings);
}

type Listener = (...args: unknown[]) => void;
interface LooseEmitter {
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
}

/**
 * Follows socket.io-client's own events and the browser's online/offline flag and boils them
 * down to the three states a user cares about. `offline` means nothing will happen by itself
 * (server refused the session, we are off the network, or reconnection gave up); `reconnecting`
 * means we are retrying.
 */
export class ConnectionTracker {
  private snapshot: ConnectionSnapshot;
  private readonly listeners = new Set<() => void>();
  private readonly cleanups: Array<() => void> = [];
  private connectedAt: number | null = null;
  private kicks = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly socket: CrmSocket,
    private readonly onRefused?: (error: Error) => void,
  ) {
    const isBrowserOffline = typeof navigator !== 'undefined' && navigator.onLine === false;
    this.snapshot = { state: socket.connected ? 'online' : isBrowserOffline ? 'offline' : 'connecting', attempt: 0 };
  }

  /** Starts following the socket; `detach` stops (the provider does both with its effect). */
  attach() {
    this.detach();
    const { socket } = this;
    if (socket.connected) this.set('online');
    const socketEvents = socket as unknown as LooseEmitter;
    const managerEvents = socket.io as unknown as LooseEmitter;
    this.listen(socketEvents, 'connect', () => {
      this.connectedAt = Date.now();
      this.set('online');
    });
    this.listen(socketEvents, 'disconnect', (reason) => {
      if (reason === 'io client disconnect') return this.set('offline');
      if (reason === 'io server disconnect') return this.onServerDisconnect();
      this.set('reconnecting');
    });
    this.listen(socketEvents, 'connect_error', (error) => {
      if (socket.active) {
        this.set('reconnecting', this.snapshot.attempt);
        return;
      }
      // Not retrying: the server's middleware refused the handshake (no or expired session).
      this.set('offline');
      this.onRefused?.(error instanceof Error ? error : new Error(String(error)));
    });
    this.listen(managerEvents, 'reconnect_attempt', (attempt) => this.set('reconnecting', Number(attempt) || 0));
    this.listen(managerEvents, 'reconnect_failed', () => this.set('offline'));
    if (typeof window !== 'undefined') {
      const goOffline = () => this.set('offline');
      const goOnline = () => {
        if (socket.connected) return this.set('online');
        this.set('reconnecting');
        if (!socket.active) socket.connect();
      };
      window.addEventListener('offline', goOffline);
      window.addEventListener('online', goOnline);
      this.cleanups.push(() => {
        window.removeEventListener('offline', goOffline);
        window.removeEventListener('online', goOnline);
      });
    }
  }

  /**
   * The server closed our socket on purpose: it is shutting down (a restart or deploy), or our
   * session ended. socket.io does not retry this on its own, so we do: a restarted server takes
   * us back, an ended session refuses the handshake (then `onRefused` sends the user to log in).
   * The session is re-checked at once too. Repeated kicks back off up to 30 s.
   */
  private onServerDisconnect() {
    const wasStable = this.connectedAt !== null && Date.now() - this.connectedAt > 30_000;
    this.kicks = wasStable ? 1 : this.kicks + 1;
    this.set('reconnecting');
    this.onRefused?.(new Error('The server closed the connection'));
    const delay = Math.min(500 * 2 ** (this.kicks - 1), 30_000);
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.socket.connected && !this.socket.active) this.socket.connect();
    }, delay);
  }

  private clearRetry() {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private listen(target: LooseEmitter, event: string, listener: Listener) {
    target.on(event, listener);
    this.cleanups.push(() => target.off(event, listener));
  }

  private set(state: ConnectionState, attempt = 0) {
    if (this.snapshot.state === state && this.snapshot.attempt === attempt) return;
    this.snapshot = { state, attempt };
    for (const listener of this.listeners) listener();
  }

  readonly subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): ConnectionSnapshot => this.snapshot;

  detach() {
    this.clearRetry();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }
}

interface SocketContextValue {
  socket: CrmSocket;
  tracker: ConnectionTracker;
}

const SocketContext = createContext<SocketContextValue | null>(null);

export interface SocketProviderProps {
  /** A socket to use instead of the default same-origin one (tests, another server). */
  socket?: CrmSocket;
  /**
   * Called when the server refuses the socket or closes it on purpose: the session may have
   * ended, so the consoles re-check it (and go to the login page when it has).
   */
  onRefused?: (error: Error) => void;
  children: ReactNode;
}

/** Opens the socket while mounted and shares it, with its connection state, below. */
export function SocketProvider({ socket: given, onRefused, children }: SocketProviderProps) {
  const onRefusedRef = useLatest(onRefused);
  const [value] = useState<SocketContextValue>(() => {
    const socket = given ?? createCrmSocket();
    return { socket, tracker: new ConnectionTracker(socket, (error) => onRefusedRef.current?.(error)) };
  });
  useEffect(() => {
    const { socket, tracker } = value;
    tracker.attach();
    if (!socket.connected) socket.connect();
    return () => {
      tracker.detach();
      // React may remount in development; only the socket we created is ours to close.
      if (!given) socket.disconnect();
    };
  }, [value, given]);
  return <SocketContext.Provider value={value}>{children}</SocketContext.Provider>;
}

function useSocketContext(): SocketContextValue {
  const value = useContext(SocketContext);
  if (!value) throw new Error('useSocket must be used inside <SocketProvider>');
  return value;
}

export function useSocket(): CrmSocket {
  return useSocketContext().socket;
}

export function useConnectionState(): ConnectionSnapshot {
  const { tracker } = useSocketContext();
  return useSyncExternalStore(tracker.subscribe, tracker.getSnapshot, tracker.getSnapshot);
}

/**
 * Runs `handler` for every `event` the server pushes while the component is mounted. The latest
 * handler is always called, so it may close over fresh state without re-subscribing.
 */
export function useSocketEvent<E extends keyof ServerToClientEvents>(event: E, handler: ServerToClientEvents[E]): void {
  const socket = useSocket();
  const handlerRef = useLatest(handler);
  useEffect(() => {
    const listener: Listener = (...args) => (handlerRef.current as unknown as Listener)(...args);
    const events = socket as unknown as LooseEmitter;
    events.on(event, listener);
    return () => {
      events.off(event, listener);
    };
  }, [socket, event, handlerRef]);
}

/** Runs `handler` each time the socket comes back after a drop (refetch what may have been missed). */
export function useOnReconnect(handler: () => void): void {
  const socket = useSocket();
  const handlerRef = useLatest(handler);
  useEffect(() => {
    let hasConnected = socket.connected;
    const onConnect = () => {
      if (hasConnected) handlerRef.current();
      hasConnected = true;
    };
    const events = socket as unknown as LooseEmitter;
    events.on('connect', onConnect);
    return () => {
      events.off('connect', onConnect);
    };
  }, [socket, handlerRef]);
}
