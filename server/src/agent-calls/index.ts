/**
 * The agent's desk: everything between an agent's phone and their console — click-to-dial with the
 * calling-window check, dial progress, answer/hang up on the simulated phone, the current call after
 * a reload, and keeping the pop in step (answered / ended / ring stopped). The pop itself is built
 * in `screen-pop/`.
 */
import type { AppContext } from '../platform/app-context.js';
import type { SocketRegistrar } from '../realtime/realtime.js';
import { createScreenPopService } from '../screen-pop/screen-pop.service.js';
import { startScreenPop } from '../screen-pop/screen-pop.wiring.js';
import { agentCallsSocket } from './agent-calls.socket.js';
import { startAgentPushes } from './agent-pushes.js';
import { createDialer, type Dialer } from './dialer.js';

export interface AgentCalls {
  socket: SocketRegistrar;
  /** Subscribes to telephony; call once the app is built. */
  start(): void;
}

export function createAgentCalls(ctx: AppContext): AgentCalls {
  const { connection, clock, logger, realtime, telephony } = ctx;
  const screenPop = createScreenPopService({ connection, clock });
  const dialer: Dialer | null = telephony ? createDialer({ connection, telephony, realtime, clock, logger }) : null;
  return {
    socket: agentCallsSocket(ctx, { dialer, screenPop }),
    start() {
      if (!telephony) return;
      const stops = [startScreenPop({ connection, clock, logger, realtime, telephony, screenPop }), startAgentPushes({ telephony, realtime }), () => dialer?.stop()];
      ctx.onClose(() => {
        for (const stop of stops) stop();
      });
    },
  };
}
