import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { z } from 'zod';
import type { ClientToServerEvents, Role } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { onCommand } from './command.js';
import type { AppServer } from './realtime.js';

// A command name outside the shared map: the wrapper is tested on its own, over a real socket.
const ECHO = 'test:echo' as keyof ClientToServerEvents;
const echoSchema = z.object({ text: z.string().min(1, 'is required'), times: z.number().int().min(1).max(3) });

describe('socket command wrapper', () => {
  let httpServer: HttpServer;
  let io: AppServer;
  let url: string;
  const metrics = createMetrics({ defaultMetrics: false });

  beforeAll(async () => {
    httpServer = createServer();
    io = new Server(httpServer) as AppServer;
    io.use((socket, next) => {
      const role = (socket.handshake.auth as { role: Role }).role;
      socket.data = { userId: 'u1', login: `a-${role}`, role, extension: null, queues: [] };
      next();
    });
    io.on('connection', (socket) => {
      onCommand(
        socket,
        ECHO,
        {
          roles: ['agent', 'supervisor'],
          schema: echoSchema,
          handler: (input: z.infer<typeof echoSchema>) => {
            if (input.text === 'conflict') throw AppError.conflict('Already taken', { by: 'agent2' });
            if (input.text === 'crash') throw new Error('database password is hunter2');
            return { text: input.text.repeat(input.times) } as never;
          },
        },
        { logger: silentLogger(), metrics },
      );
    });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await io.close();
  });

  async function send(role: Role, payload: unknown): Promise<unknown> {
    const socket: ClientSocket = connect(url, { auth: { role }, reconnection: false });
    try {
      return await socket.timeout(5000).emitWithAck('test:echo', payload);
    } finally {
      socket.disconnect();
    }
  }

  it('acks the handler result as data', async () => {
    expect(await send('agent', { text: 'ab', times: 2 })).toEqual({ data: { text: 'abab' } });
  });

  it('names the bad fields of an invalid payload', async () => {
    expect(await send('agent', { times: 9 })).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: expect.stringMatching(/^text: is required; times: /),
        details: { fields: expect.any(Array) },
      },
    });
  });

  it('refuses a role that may not send the command', async () => {
    expect(await send('manager', { text: 'ab', times: 1 })).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('turns an AppError into its code and message', async () => {
    expect(await send('supervisor', { text: 'conflict', times: 1 })).toEqual({
      error: { code: 'CONFLICT', message: 'Already taken', details: { by: 'agent2' } },
    });
  });

  it('answers an unexpected failure with a generic error that leaks nothing', async () => {
    const ack = await send('agent', { text: 'crash', times: 1 });
    expect(ack).toEqual({ error: { code: 'INTERNAL', message: 'Something went wrong on the server' } });
    expect(await metrics.registry.getSingleMetricAsString('crm_socketio_commands_total')).toContain('result="INTERNAL"');
  });
});
