/**
 * The TCP server: one MessageReader per connection, commands handled one at a time per
 * connection (replies must go back in order), all connections sharing one store. A connection
 * that sends garbage is answered with an error or closed; nothing it sent reaches the store.
 */
import net from 'node:net';
import type { Logger } from 'pino';
import { ErrorCodes, MongoCommandError, toErrorReply } from '../errors.js';
import { runCommand, wantsJournalAck } from '../commands/dispatcher.js';
import type { CommandContext, ServerInfo } from '../commands/context.js';
import type { CursorRegistry } from '../commands/cursors.js';
import type { Store } from '../storage/store.js';
import { decodeRequest, encodeReply, OP_MSG, OP_QUERY, readHeader } from './codec.js';
import { FramingError, MessageReader } from './message-reader.js';

/** Requests read ahead of their replies before the connection stops reading. */
/** How long a stop waits for connections it destroyed to report closed. */
const CLOSE_WAIT_MS = 2_000;
const MAX_PIPELINED_REQUESTS = 64;

export interface Durability {
  /** Hands journal records written by the last command to the OS (survives kill -9). */
  flush(): void;
  /** Resolves once everything flushed so far is fsynced (`j: true`). */
  sync(): Promise<void>;
}

export interface WireServerOptions {
  store: Store;
  cursors: CursorRegistry;
  durability: Durability;
  logger: Logger;
  server: ServerInfo;
}

export class WireServer {
  private readonly tcp: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextConnectionId = 1;

  private readonly reaper: NodeJS.Timeout;

  constructor(private readonly options: WireServerOptions) {
    this.tcp = net.createServer((socket) => this.accept(socket));
    this.tcp.on('error', (error) => options.logger.error({ err: error }, 'embedded mongo server error'));
    // Cursors a client abandoned (crashed app, unclosed cursor) are dropped after 10 idle minutes.
    this.reaper = setInterval(() => options.cursors.reapIdle(), 60_000);
    this.reaper.unref();
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, host, () => {
        this.tcp.off('error', reject);
        const address = this.tcp.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  get isListening(): boolean {
    return this.tcp.listening;
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    const closed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    // The listener stops at once; a destroyed connection whose peer vanished mid-write has been
    // seen never to report its close, and a stop must not hang on it (the store still has to
    // write its snapshot and release its lock).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(timer);
  }

  private accept(socket: net.Socket): void {
    const connectionId = this.nextConnectionId++;
    const log = this.options.logger.child({ connectionId, remote: `${socket.remoteAddress}:${socket.remotePort}` });
    const reader = new MessageReader();
    const context: CommandContext = { ...this.options, db: 'admin', connectionId, logger: log };
    let queue = Promise.resolve();
    let unanswered = 0;
    // A client that sends requests without reading the replies (or while `j: true` waits) must
    // not make the store buffer without bound: reading stops until the replies have drained.
    const isBackedUp = () => unanswered > MAX_PIPELINED_REQUESTS || socket.writableNeedDrain;
    const resumeIfDrained = () => {
      if (socket.isPaused() && !isBackedUp() && !socket.destroyed) socket.resume();
    };
    const answered = () => {
      unanswered -= 1;
      if (socket.writableNeedDrain) socket.pause();
      else resumeIfDrained();
    };
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (error) => log.debug({ err: error }, 'connection error'));
    socket.on('drain', resumeIfDrained);
    socket.on('data', (chunk: Buffer) => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (error) {
        log.warn({ err: error }, 'closing connection: unreadable message framing');
        socket.destroy();
        return;
      }
      for (const message of messages) {
        unanswered += 1;
        queue = queue.then(() => this.handle(message, socket, context)).then(answered, (error: unknown) => {
          log.warn({ err: error }, 'closing connection after a failed request');
          socket.destroy();
          answered();
        });
      }
      if (isBackedUp()) socket.pause();
    });
  }

  private async handle(message: Buffer, socket: net.Socket, context: CommandContext): Promise<void> {
    if (socket.destroyed) return;
    const header = readHeader(message);
    if (header.opCode !== OP_MSG && header.opCode !== OP_QUERY) {
      throw new FramingError(`unsupported opCode ${header.opCode}`);
    }
    let request;
    try {
      request = decodeRequest(message);
    } catch (error) {
      // The frame itself was whole, so the connection can carry on after an error reply.
      const reason = error instanceof Error ? error.message : String(error);
      context.logger.warn({ reason }, 'rejected a malformed request');
      const reply =
        error instanceof MongoCommandError
          ? toErrorReply(error)
          : { ok: 0, errmsg: `invalid request: ${reason}`, code: ErrorCodes.InvalidBSON, codeName: 'InvalidBSON' };
      socket.write(encodeReply({ header, isLegacy: header.opCode === OP_QUERY }, reply));
      return;
    }
    const commandContext = { ...context, db: request.db };
    const reply = await runCommand(request.body, commandContext);
    this.options.durability.flush();
    if (reply.ok === 1 && wantsJournalAck(request.body)) await this.options.durability.sync();
    if (request.isFireAndForget || socket.destroyed) return;
    socket.write(encodeReply(request, reply));
  }
}
