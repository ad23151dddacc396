import { dialRequestSchema, internalCallee, internalCallPeer, phoneActionSchema, type CallRecord } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import type { AppContext } from '../platform/app-context.js';
import { onCommand } from '../realtime/command.js';
import type { SocketRegistrar } from '../realtime/realtime.js';
import type { ScreenPopService } from '../screen-pop/screen-pop.service.js';
import type { TelephonyService } from '../telephony/index.js';
import type { Dialer } from './dialer.js';

const WITH_PHONE = ['agent', 'supervisor', 'manager', 'admin'] as const;

function requireExtension(extension: string | null): string {
  if (!extension) throw new AppError('NO_EXTENSION', { status: 409, message: 'Your user has no phone extension; ask an admin to set one' });
  return extension;
}

function requireTelephony(ctx: AppContext): TelephonyService {
  if (!ctx.telephony) throw new AppError('TELEPHONY_UNAVAILABLE', { status: 503, message: 'The phone system is not connected' });
  return ctx.telephony;
}

/**
 * The call an agent is in or being rung for right now, if any: a call they answered, their own
 * click-to-call or call to a colleague at any stage (their phone ringing, the other side ringing,
 * talking), a colleague's call to their extension, or a call ringing them.
 */
export function currentCallOf(telephony: Pick<TelephonyService, 'activeCalls' | 'agentState'>, extension: string): CallRecord | null {
  const isRinging = telephony.agentState(extension)?.state === 'ringing';
  const calls = telephony.activeCalls();
  return (
    calls.find((call) => call.agentExtension === extension && (call.answeredAt || call.direction === 'outbound')) ??
    // An agent-to-agent call names the caller as its agent; the called agent is the dialed extension.
    calls.find((call) => internalCallee(call) === extension) ??
    (isRinging ? calls.find((call) => !call.answeredAt && call.ringingAgents.includes(extension)) : undefined) ??
    null
  );
}

/** Socket commands of the agent's desk: click-to-dial, the simulated phone, the current call after a reload. */
export function agentCallsSocket(ctx: AppContext, { dialer, screenPop }: { dialer: Dialer | null; screenPop: ScreenPopService }): SocketRegistrar {
  const deps = { logger: ctx.logger, metrics: ctx.metrics };
  return (socket) => {
    // A console that just connected learns the current state at once, not at the next change.
    if (ctx.telephony) {
      const { role, extension } = socket.data;
      const own = extension ? ctx.telephony.agentState(extension) : null;
      if (own) socket.emit('agent:status', own);
      if (role !== 'agent') for (const status of ctx.telephony.agentStates()) socket.emit('agent:status', status);
    }

    onCommand(
      socket,
      'call:dial',
      {
        roles: WITH_PHONE,
        schema: dialRequestSchema,
        handler: (input, { user }) => {
          if (!dialer) throw new AppError('TELEPHONY_UNAVAILABLE', { status: 503, message: 'The phone system is not connected' });
          return dialer.dial(user, input);
        },
      },
      deps,
    );

    onCommand(
      socket,
      'phone:control',
      {
        roles: WITH_PHONE,
        schema: phoneActionSchema,
        handler: async ({ action }, { user }) => {
          // simPhone refuses with PHONE_CONTROL_UNAVAILABLE unless the PBX is the built-in simulator.
          await requireTelephony(ctx).simPhone(requireExtension(user.extension), action);
          return { ok: true as const };
        },
      },
      deps,
    );

    onCommand(
      socket,
      'call:current',
      {
        roles: WITH_PHONE,
        handler: async (_input, { user }) => {
          if (!ctx.telephony || !user.extension) return { active: false };
          const call = currentCallOf(ctx.telephony, user.extension);
          if (!call) return { active: false };
          const isInternal = internalCallPeer(call, user.extension) !== null;
          socket.emit('call:ringing', await screenPop.forRinging({ extension: user.extension, call }));
          // Both agents of an internal call are on it once the called one picked up.
          if (call.answeredAt && (call.agentExtension === user.extension || isInternal)) socket.emit('call:answered', { call });
          return { active: true };
        },
      },
      deps,
    );
  };
}
