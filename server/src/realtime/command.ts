import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ack, AckCallback, ClientToServerEvents, Role, SocketData } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import { parseInput } from '../http/validate.js';
import type { AppMetrics } from '../observability/metrics.js';
import type { AppSocket } from './realtime.js';

/** The data type a command's ack carries, read from the event map. */
export type CommandResult<E extends keyof ClientToServerEvents> = ClientToServerEvents[E] extends (
  ...args: infer A
) => void
  ? A extends [...unknown[], AckCallback<infer R>]
    ? R
    : never
  : never;

export interface CommandOptions<E extends keyof ClientToServerEvents, S extends z.ZodType> {
  /** Validates the payload (the argument before the ack). Omit for commands without one. */
  schema?: S;
  /** Roles allowed to send it; every command names them (DESIGN: role checks on every event). */
  roles: readonly Role[];
  handler: (input: z.infer<S>, context: { socket: AppSocket; user: SocketData }) => Promise<CommandResult<E>> | CommandResult<E>;
}

export interface CommandDeps {
  logger: Logger;
  metrics?: AppMetrics;
}

/**
 * Registers a `domain:verb` command on a socket: validates the payload with zod, checks the role,
 * runs the handler and acks `{ data }` — or `{ error: { code, message } }` for AppErrors and a
 * generic INTERNAL error (logged, nothing leaked) for anything else.
 *
 *   onCommand(socket, 'task:claim', { roles: ['agent'], schema: claimTaskSchema,
 *     handler: (input, { user }) => tasks.claim(input.taskId, user) }, deps);
 */
export function onCommand<E extends keyof ClientToServerEvents, S extends z.ZodType = z.ZodUndefined>(
  socket: AppSocket,
  event: E,
  options: CommandOptions<E, S>,
  { logger, metrics }: CommandDeps,
): void {
  const listener = async (...args: unknown[]) => {
    const last = args[args.length - 1];
    const ack: (result: Ack<unknown>) => void = typeof last === 'function' ? (last as (result: Ack<unknown>) => void) : () => {};
    const payload = typeof last === 'function' ? (args.length > 1 ? args[0] : undefined) : args[0];
    try {
      if (!options.roles.includes(socket.data.role)) {
        throw AppError.forbidden(`${String(event)} needs one of the roles: ${options.roles.join(', ')}`);
      }
      const input = options.schema ? parseInput(options.schema, payload, 'payload') : (undefined as z.infer<S>);
      const data = await options.handler(input, { socket, user: socket.data });
      metrics?.socketCommands.inc({ event: String(event), result: 'ok' });
      ack({ data });
    } catch (error) {
      if (error instanceof AppError) {
        metrics?.socketCommands.inc({ event: String(event), result: error.code });
        ack({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
        return;
      }
      metrics?.socketCommands.inc({ event: String(event), result: 'INTERNAL' });
      logger.error({ err: error, event, login: socket.data.login }, 'Socket command failed');
      ack({ error: { code: 'INTERNAL', message: 'Something went wrong on the server' } });
    }
  };
  (socket as unknown as { on(event: string, listener: (...args: unknown[]) => void): void }).on(String(event), (...args) => {
    void listener(...args);
  });
}
