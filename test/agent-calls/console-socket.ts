/** A logged-in agent console as the integration tests drive it: its socket and every push it got. */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SessionReadyPayload } from '@crm/shared';
import type { TestApp } from '../support/app.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Console {
  socket: ClientSocket;
  ready: SessionReadyPayload;
  /** Every push received, in order. */
  received: Array<{ event: string; payload: unknown }>;
}

/** Logs in as `login` and connects; resolves once the server sent `session:ready`. */
export async function openConsole(app: TestApp, login: string, sockets: ClientSocket[]): Promise<Console> {
  const { token } = await app.login(login);
  const socket: ClientSocket = connect(app.baseUrl, { reconnection: false, auth: { token } });
  sockets.push(socket);
  const received: Console['received'] = [];
  socket.onAny((event: string, payload: unknown) => received.push({ event, payload }));
  const ready = await new Promise<SessionReadyPayload>((resolve, reject) => {
    socket.once('session:ready', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, ready, received };
}

/** The payloads of every `event` push the console received so far. */
export function pushes<T>(console: Console, event: string): T[] {
  return console.received.filter((item) => item.event === event).map((item) => item.payload as T);
}
