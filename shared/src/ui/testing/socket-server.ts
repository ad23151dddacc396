import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { ClientToServerEvents, InterServerEvents, ServerToClientEvents, SocketData } from '../../events.js';
import { createCrmSocket, type CrmSocket } from '../socket.js';

export type TestServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * A real Socket.IO server on a free port for console tests: components talk to it through the
 * real client, and the test pushes events or drops the connection the way the product server would.
 */
export interface TestSocketServer {
  url: string;
  io: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
  /** A console socket aimed at this server, with quick reconnection so tests stay short. */
  clientSocket(): CrmSocket;
  /** Resolves with the next socket that connects. */
  nextConnection(): Promise<TestServerSocket>;
  /** Refuse every new handshake (as the server does without a valid session). */
  refuseConnections(message?: string): void;
  /** The server closes every socket on purpose, as it does on graceful shutdown or logout. */
  kickAll(): void;
  /** The server goes away: the port closes and every connection drops. */
  goAway(): Promise<void>;
  /** The server comes back on the same port. */
  comeBack(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestSocketServer(): Promise<TestSocketServer> {
  let refusal: string | null = null;
  let http: HttpServer;
  let io: TestSocketServer['io'];
  let port = 0;
  const clients: CrmSocket[] = [];

  const open = async () => {
    http = createServer();
    io = new Server(http, { cors: { origin: true, credentials: true } });
    io.use((_socket, next) => (refusal ? next(new Error(refusal)) : next()));
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  };
  const close = async () => {
    // Like a crashed or restarting server: transports close, nobody is told "goodbye".
    await new Promise<void>((resolve) => {
      io.close(() => resolve());
    });
  };
  await open();

  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get io() {
      return io;
    },
    clientSocket() {
      const socket = createCrmSocket({
        url: `http://127.0.0.1:${port}`,
        transports: ['websocket'],
        reconnectionDelay: 50,
        reconnectionDelayMax: 100,
        randomizationFactor: 0,
      });
      clients.push(socket);
      return socket;
    },
    nextConnection() {
      return new Promise((resolve) => io.once('connection', resolve));
    },
    refuseConnections(message = 'Not signed in') {
      refusal = message;
    },
    kickAll() {
      io.disconnectSockets(true);
    },
    goAway: close,
    comeBack: open,
    async stop() {
      for (const client of clients) client.disconnect();
      await close().catch(() => undefined);
    },
  };
}
