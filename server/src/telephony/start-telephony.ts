/**
 * Boot helper for main.ts: with `ami.host === null` starts the built-in PBX simulator (demo callers
 * = the contacts already in the database, plus unknown numbers) on a free local port and connects
 * the telephony service to it; otherwise connects to the configured Asterisk.
 */
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { startPbxSimulator, type PbxSimulator, type PbxSimulatorOptions } from '../pbx-simulator/index.js';
import { createTelephony, type TelephonyMetrics, type TelephonyService } from './telephony-service.js';

export interface StartTelephonyOptions {
  ami: { host: string | null; port: number; username: string; secret: string; agentInterfacePattern?: RegExp | null };
  defaultCountry: string;
  connection: Connection;
  logger: Logger;
  clock: { now(): Date };
  metrics?: TelephonyMetrics;
  /** Connect right away (default). Pass false when a lease keeper decides when this instance holds AMI. */
  autoStart?: boolean;
  /** Simulator settings when `ami.host` is null (port 0 = a free port; traffic on by default). */
  simulator?: Omit<PbxSimulatorOptions, 'username' | 'secret' | 'logger'>;
}

export interface StartedTelephony {
  telephony: TelephonyService;
  /** The built-in PBX simulator, when one was started. */
  simulator: PbxSimulator | null;
  /** `host:port` the AMI connection goes to (for the start banner). */
  amiTarget: string;
  close(): Promise<void>;
}

/** Demo callers for simulated traffic: names and phones of (up to 200) contacts in the database. */
async function contactCallers(connection: Connection, logger: Logger): Promise<Array<{ number: string; name: string }>> {
  try {
    const docs = await connection
      .collection('contacts')
      .find({}, { projection: { name: 1, fullName: 1, firstName: 1, lastName: 1, phones: 1 } })
      .limit(200)
      .toArray();
    const callers: Array<{ number: string; name: string }> = [];
    for (const doc of docs) {
      const phones = Array.isArray(doc.phones) ? doc.phones : [];
      const first = phones[0];
      const number = typeof first === 'string' ? first : typeof first?.number === 'string' ? first.number : typeof first?.e164 === 'string' ? first.e164 : null;
      if (!number) continue;
      const name = [doc.name, doc.fullName, [doc.firstName, doc.lastName].filter(Boolean).join(' ')].find((value) => typeof value === 'string' && value.trim() !== '');
      callers.push({ number, name: typeof name === 'string' ? name : number });
    }
    return callers;
  } catch (error) {
    logger.warn({ err: (error as Error).message }, 'could not read contacts for simulated callers; using unknown numbers only');
    return [];
  }
}

export async function startTelephony(options: StartTelephonyOptions): Promise<StartedTelephony> {
  const { ami, logger } = options;
  let simulator: PbxSimulator | null = null;
  let host = ami.host;
  let port = ami.port;
  if (host === null) {
    const callers = await contactCallers(options.connection, logger);
    simulator = await startPbxSimulator({
      port: 0,
      host: '127.0.0.1',
      // A newcomer sees the first call a few seconds after start, then about three a minute.
      traffic: { enabled: true, callsPerMinute: 3, firstCallAfterSeconds: 5 },
      ...options.simulator,
      username: ami.username,
      secret: ami.secret,
      logger: logger.child({ component: 'pbx-simulator' }),
      callers: options.simulator?.callers ?? callers,
    });
    host = simulator.host;
    port = simulator.port;
  }
  const telephony = createTelephony({
    ami: { host, port, username: ami.username, secret: ami.secret },
    mode: simulator ? 'simulator' : 'external',
    connection: options.connection,
    logger,
    clock: options.clock,
    defaultCountry: options.defaultCountry,
    ...(ami.agentInterfacePattern ? { agentInterfacePattern: ami.agentInterfacePattern } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  if (options.autoStart ?? true) await telephony.start();
  return {
    telephony,
    simulator,
    amiTarget: `${host}:${port}`,
    async close() {
      await telephony.stop();
      await simulator?.close();
    },
  };
}
