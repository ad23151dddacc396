import { internalCallee, type CallRecord } from '@crm/shared';
import type { Realtime } from '../realtime/realtime.js';
import type { TelephonyService } from '../telephony/index.js';
import { internalCallPop } from './agent-calls.socket.js';

/**
 * Keeps each agent's console in step with their phone (the pop itself is pushed by screen-pop):
 * `call:answered` when they talk, `call:ended` when the call ends — and also when their ringing
 * stops because another agent answered or the queue moved on, so a stale pop never lingers.
 * Agent state goes to the agent and to supervisors.
 *
 * A call from one agent's extension to another's (no queue, no client) rings the called agent with
 * a pop naming the colleague, and is answered and ended on both consoles like any other call.
 */
export function startAgentPushes({
  telephony,
  realtime,
}: {
  telephony: Pick<TelephonyService, 'on' | 'activeCall'>;
  realtime: Pick<Realtime, 'emitToAgent' | 'emitToSupervisors'>;
}): () => void {
  const endFor = (extensions: Iterable<string>, call: CallRecord) => {
    for (const extension of new Set(extensions)) realtime.emitToAgent(extension, 'call:ended', { call });
  };

  /** Internal calls whose called agent was told: that it rings, that they talk. */
  const internal = new Map<string, { hasRung: boolean; hasAnswered: boolean }>();
  const followInternal = (call: CallRecord) => {
    const callee = internalCallee(call);
    if (!callee || call.endedAt) return;
    const told = internal.get(call.id) ?? { hasRung: false, hasAnswered: false };
    internal.set(call.id, told);
    if (!told.hasRung) {
      told.hasRung = true;
      realtime.emitToAgent(callee, 'call:ringing', internalCallPop(call));
    }
    if (call.answeredAt && !told.hasAnswered) {
      told.hasAnswered = true;
      realtime.emitToAgent(callee, 'call:answered', { call });
    }
  };

  const unsubscribe = [
    telephony.on('call:changed', followInternal),
    telephony.on('call:merged', ({ from }) => internal.delete(from)),
    telephony.on('agent:answered', ({ extension, call }) => {
      realtime.emitToAgent(extension, 'call:answered', { call });
      // Everyone else this call was offered to: their ring is over.
      endFor(
        call.ringingAgents.filter((other) => other !== extension),
        call,
      );
    }),
    telephony.on('call:ended', (call) => {
      internal.delete(call.id);
      const callee = internalCallee(call);
      endFor([...call.ringingAgents, ...(call.agentExtension ? [call.agentExtension] : []), ...(callee ? [callee] : [])], call);
    }),
    telephony.on('agent:ring-no-answer', ({ extension, callId }) => {
      const call = telephony.activeCall(callId);
      if (call) realtime.emitToAgent(extension, 'call:ended', { call });
    }),
    telephony.on('agent:state', (status) => {
      realtime.emitToAgent(status.extension, 'agent:status', status);
      realtime.emitToSupervisors('agent:status', status);
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
