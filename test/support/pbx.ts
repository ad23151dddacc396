/**
 * Telephony test helpers: the PBX simulator on a free port with fast time, a telephony service
 * wired to it (short ping/backoff), a cuttable TCP proxy, and small waiting helpers.
 */
import net from 'node:net';
import mongoose, { type Connection } from 'mongoose';
import pino, { type Logger } from 'pino';
import { startPbxSimulator, type PbxSimulator, type PbxSimulatorOptions } from '../../server/src/pbx-simulator/index.js';
import { createTelephony, type TelephonyOptions, type TelephonyService } from '../../server/src/telephony/index.js';
import { startTestMongo, type TestMongo } from './mongo.js';

/** Fast simulated time: 1 simulated second = 50 ms; demo agents answer after exactly 2.5 s (the recordings: queued 0.5 s, answered 3 s later). */
export function startTestPbx(options: PbxSimulatorOptions = {}): Promise<PbxSimulator> {
  return startPbxSimulator({ timeScale: 0.05, agentRingSeconds: 2.5, talkSeconds: 11, random: () => 0.5, ...options });
}

export interface TestDatabase {
  mongo: TestMongo;
  connection: Connection;
  stop(): Promise<void>;
}

export async function startTestDatabase(): Promise<TestDatabase> {
  const mongo = await startTestMongo();
  const connection = mongoose.createConnection(mongo.url, { dbName: mongo.dbName, serverSelectionTimeoutMS: 10_000 });
  await connection.asPromise();
  return {
    mongo,
    connection,
    async stop() {
      await connection.close();
      await mongo.stop();
    },
  };
}

export function startTestTelephony(input: { port: number; connection: Connection; logger?: Logger } & Partial<TelephonyOptions>): TelephonyService {
  const { port, connection, logger, ...rest } = input;
  return createTelephony({
    ami: { host: '127.0.0.1', port, username: 'crm', secret: 'crm-secret' },
    mode: 'simulator',
    connection,
    logger: logger ?? pino({ level: 'silent' }),
    clock: { now: () => new Date() },
    defaultCountry: 'RU',
    timings: { pingIntervalMs: 500, pingTimeoutMs: 1000, actionTimeoutMs: 5000, backoff: { initialMs: 200, maxMs: 1000 } },
    ...rest,
  });
}

export async function waitFor<T>(probe: () => T | Promise<T>, what: string, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** A TCP proxy in front of the PBX that tests can cut and block, as a network outage would. */
export interface CuttableLink {
  port: number;
  /** Closes every open connection. */
  cut(): void;
  /** While blocked, new connections are closed at once. */
  block(blocked: boolean): void;
  connections(): number;
  close(): Promise<void>;
}

/** Ends both sides of a relayed TCP connection when either closes or fails, then calls `onEnd`. */
export function closeTogether(a: net.Socket, b: net.Socket, onEnd: () => void): void {
  const end = () => {
    a.destroy();
    b.destroy();
    onEnd();
  };
  for (const socket of [a, b]) {
    socket.on('close', end);
    socket.on('error', end);
  }
}

export async function startCuttableLink(targetPort: number): Promise<CuttableLink> {
  const open = new Set<net.Socket>();
  let blocked = false;
  let accepted = 0;
  const server = net.createServer((client) => {
    if (blocked) {
      client.destroy();
      return;
    }
    accepted += 1;
    const upstream = net.connect(targetPort, '127.0.0.1');
    open.add(client);
    open.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    closeTogether(client, upstream, () => {
      open.delete(client);
      open.delete(upstream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    cut: () => {
      for (const socket of open) socket.destroy();
    },
    block: (value) => {
      blocked = value;
    },
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
