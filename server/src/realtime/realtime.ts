import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server, type Socket } from 'socket.io';
import {
  rooms,
  type ClientToServerEvents,
  type InterServerEvents,
  type ServerToClientEvents,
  type SocketData,
  type User,
} from '@crm/shared';
import type { SessionService } from '../auth/session-service.js';
import { SESSION_COOKIE } from '../auth/session-service.js';
import type { AppMetrics } from '../observability/metrics.js';
import { closeRedis } from '../platform/close-redis.js';

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type EventName = keyof ServerToClientEvents;
type EventArgs<E extends EventName> = Parameters<ServerToClientEvents[E]>;

/** Registers a domain's socket command handlers on each new, authenticated socket. */
export type SocketRegistrar = (socket: AppSocket) => void;

/**
 * The realtime surface other domains use: typed pushes addressed by room, so a wrong payload does
 * not compile and every emitter addresses the same rooms. With the Redis adapter these reach
 * sockets on every instance.
 */
export interface Realtime {
  io: AppServer;
  emitToUser<E extends EventName>(userId: string, event: E, ...args: EventArgs<E>): void;
  emitToAgent<E extends EventName>(extension: string, event: E, ...args: EventArgs<E>): void;
  emitToSupervisors<E extends EventName>(event: E, ...args: EventArgs<E>): void;
  emitToQueue<E extends EventName>(queue: string, event: E, ...args: EventArgs<E>): void;
  /** Adds handlers to every socket that connects from now on. */
  onConnection(registrar: SocketRegistrar): void;
  /** Drops every socket of a user on every instance (disabled, logged out, role changed). */
  disconnectUser(userId: string): void;
  /** Number of sockets connected to this instance. */
  connectedCount(): number;
  close(): Promise<void>;
}

/** The rooms a user's sockets join on connect. */
export function roomsFor(user: Pick<User, 'id' | 'role' | 'extension' | 'queues'>): string[] {
  const joined = [rooms.user(user.id)];
  if (user.role === 'agent' && user.extension) joined.push(rooms.agent(user.extension));
  if (user.role === 'supervisor' || user.role === 'manager' || user.role === 'admin') joined.push(rooms.supervisors);
  for (const queue of user.queues) joined.push(rooms.queue(queue));
  return joined;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

export interface RealtimeOptions {
  httpServer: HttpServer;
  sessions: SessionService;
  logger: Logger;
  metrics: AppMetrics;
  /** Fan events out across instances through Redis pub/sub when set. */
  redisUrl: string | null;
  /** How often connected sockets re-check their session; 0 turns it off. */
  sessionRecheckMs?: number;
  /** Whether agents can drive their phone from the console (the PBX simulator can, a real PBX cannot). */
  hasPhoneControl?: () => boolean;
}

export function createRealtime({
  httpServer,
  sessions,
  logger,
  metrics,
  redisUrl,
  sessionRecheckMs = 60_000,
  hasPhoneControl = () => false,
}: RealtimeOptions): Realtime {
  const io: AppServer = new Server(httpServer, {
    serveClient: false,
    // Same origin only (the consoles are served by this server); cookies go with the handshake.
    cors: undefined,
    connectionStateRecovery: undefined,
  });
  const registrars: SocketRegistrar[] = [];
  // The session token behind each local socket, so expired or revoked sessions are noticed.
  const tokens = new Map<string, string>();
  const redisClients: Redis[] = [];

  if (redisUrl) {
    const pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
    const sub = pub.duplicate();
    for (const client of [pub, sub]) client.on('error', (error) => logger.warn({ err: error }, 'Socket.IO Redis adapter error'));
    redisClients.push(pub, sub);
    io.adapter(createAdapter(pub, sub, { key: 'crm-socket.io' }));
  }

  io.use((socket, next) => {
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token =
      typeof authToken === 'string' && authToken !== ''
        ? authToken
        : cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    if (!token) {
      metrics.socketConnectsTotal.inc({ result: 'refused' });
      return next(new Error('UNAUTHENTICATED'));
    }
    sessions
      .resolve(token)
      .then((user) => {
        if (!user) {
          metrics.socketConnectsTotal.inc({ result: 'refused' });
          return next(new Error('UNAUTHENTICATED'));
        }
        socket.data = { userId: user.id, login: user.login, role: user.role, extension: user.extension, queues: user.queues };
        tokens.set(socket.id, token);
        next();
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'Socket.IO authentication failed');
        next(new Error('INTERNAL'));
      });
  });

  io.on('connection', (socket) => {
    const { userId, login, role, extension, queues } = socket.data;
    metrics.socketConnectsTotal.inc({ result: 'accepted' });
    metrics.socketConnections.inc({ role });
    void socket.join(roomsFor({ id: userId, role, extension, queues }));
    socket.on('disconnect', () => {
      tokens.delete(socket.id);
      metrics.socketConnections.dec({ role });
    });
    socket.on('session:ping', (ack) => {
      if (typeof ack === 'function') ack({ data: { serverTime: new Date().toISOString() } });
    });
    for (const register of registrars) {
      try {
        register(socket);
      } catch (error) {
        logger.error({ err: error, login }, 'A socket handler failed to register');
      }
    }
    socket.emit('session:ready', { userId, login, role, extension, phoneControl: extension !== null && hasPhoneControl() });
  });

  let isRechecking = false;
  const recheckSessions = async () => {
    if (isRechecking) return;
    isRechecking = true;
    try {
      for (const [socketId, token] of tokens) {
        const user = await sessions.resolve(token).catch(() => undefined);
        // undefined: the store did not answer; keep the socket rather than drop everyone.
        if (user === null) io.of('/').sockets.get(socketId)?.disconnect(true);
      }
    } finally {
      isRechecking = false;
    }
  };
  const recheckTimer = sessionRecheckMs > 0 ? setInterval(() => void recheckSessions(), sessionRecheckMs) : null;
  recheckTimer?.unref();

  return {
    io,
    emitToUser: (userId, event, ...args) => io.to(rooms.user(userId)).emit(event, ...args),
    emitToAgent: (extension, event, ...args) => io.to(rooms.agent(extension)).emit(event, ...args),
    emitToSupervisors: (event, ...args) => io.to(rooms.supervisors).emit(event, ...args),
    emitToQueue: (queue, event, ...args) => io.to(rooms.queue(queue)).emit(event, ...args),
    onConnection: (registrar) => {
      registrars.push(registrar);
    },
    disconnectUser: (userId) => {
      io.in(rooms.user(userId)).disconnectSockets(true);
    },
    connectedCount: () => io.of('/').sockets.size,
    close: async () => {
      if (recheckTimer) clearInterval(recheckTimer);
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => {
        // io.close() also closes the HTTP server; the app closes that itself, so only the engine.
        io.engine.close();
        resolve();
      });
      await Promise.all(redisClients.map((client) => closeRedis(client)));
    },
  };
}
