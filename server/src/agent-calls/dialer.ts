import { randomUUID } from 'node:crypto';
import {
  isE164,
  localTimeFacts,
  normalizePhone,
  OUTSIDE_CALLING_WINDOW,
  type CallRecord,
  type CountryCode,
  type DialAccepted,
  type DialInput,
  type DialProgressPayload,
  type SocketData,
} from '@crm/shared';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { createContactRepository } from '../contacts/contact.repository.js';
import { defaultNumberLocator, type NumberLocator } from '../contacts/timezone-inference.js';
import { AppError } from '../http/app-error.js';
import type { Clock } from '../platform/clock.js';
import type { Realtime } from '../realtime/realtime.js';
import { settingsRepositoryFor } from '../settings/settings.repository.js';
import type { TelephonyService } from '../telephony/index.js';
import { outcomeOfAgentLeg, outcomeOfClientLeg, stageOfCall } from './dial-progress.js';

interface TrackedDial {
  dialId: string;
  userId: string;
  extension: string;
  number: string;
  contactId: string | null;
  callId: string | null;
  startedAt: number;
  lastStage: DialProgressPayload['stage'];
}

export interface DialerDeps {
  connection: Connection;
  telephony: TelephonyService;
  realtime: Pick<Realtime, 'emitToUser'>;
  clock: Clock;
  logger: Logger;
  locate?: NumberLocator;
}

export interface Dialer {
  dial(user: SocketData, input: DialInput): Promise<DialAccepted>;
  /** Stops following telephony events. */
  stop(): void;
}

/** A dial that never produced a call record is forgotten after this long. */
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * Click-to-dial: checks the client's calling window, originates (agent's phone first, then the
 * client) and pushes `call:dial-progress` to the agent's own sockets as the call moves on.
 */
export function createDialer({ connection, telephony, realtime, clock, logger, locate = defaultNumberLocator }: DialerDeps): Dialer {
  const contacts = createContactRepository(connection);
  const settings = settingsRepositoryFor(connection);
  const log = logger.child({ component: 'dialer' });
  const dials = new Map<string, TrackedDial>();

  const push = (dial: TrackedDial, stage: DialProgressPayload['stage'], outcome: DialProgressPayload['outcome']) => {
    dial.lastStage = stage;
    realtime.emitToUser(dial.userId, 'call:dial-progress', {
      dialId: dial.dialId,
      number: dial.number,
      contactId: dial.contactId,
      stage,
      outcome,
      callId: dial.callId,
    });
    if (stage === 'finished') dials.delete(dial.dialId);
  };

  /** The dial a call belongs to: by its id once known, else the newest open dial of that agent to that number. */
  const dialOf = (call: CallRecord): TrackedDial | null => {
    let match: TrackedDial | null = null;
    for (const dial of dials.values()) {
      if (dial.callId === call.id) return dial;
      const isCandidate =
        dial.callId === null && call.direction === 'outbound' && call.agentExtension === dial.extension && call.calledNumber === dial.number;
      if (isCandidate && (!match || dial.startedAt > match.startedAt)) match = dial;
    }
    return match;
  };

  const followCall = (call: CallRecord) => {
    const dial = dialOf(call);
    if (!dial) return;
    dial.callId = call.id;
    const stage = stageOfCall(call);
    // The agent-leg stage is ours to report; the call record only moves us forward.
    if (stage === 'ringing-agent' || stage === dial.lastStage) return;
    if (stage === 'finished') return push(dial, 'finished', outcomeOfClientLeg(call.result));
    push(dial, stage, stage === 'connected' ? 'answered' : null);
  };

  // Every change of a call, its end included, comes as call:changed first.
  const unsubscribe = [telephony.on('call:changed', followCall)];
  const sweep = setInterval(() => {
    const cutoff = clock.now().getTime() - FORGET_AFTER_MS;
    for (const [id, dial] of dials) if (dial.startedAt < cutoff) dials.delete(id);
  }, 60_000);
  sweep.unref();

  async function clientZone(contactId: string | null, e164: string): Promise<string | null> {
    const contact = contactId ? await contacts.findById(contactId) : await contacts.findByPhone(e164);
    if (contactId && !contact) throw AppError.notFound('Contact');
    if (contact?.timeZone.zone) return contact.timeZone.zone;
    if (contact && contact.timeZone.source === 'manual') return null;
    const located = await locate(e164);
    return located.timeZone.zone;
  }

  return {
    async dial(user, input) {
      if (!user.extension) {
        throw new AppError('NO_EXTENSION', { status: 409, message: 'Your user has no phone extension; ask an admin to set one' });
      }
      const config = await settings.get();
      const parsed = isE164(input.number) ? null : normalizePhone(input.number, config.defaultCountry as CountryCode);
      if (parsed && !parsed.ok) throw new AppError('INVALID_PHONE_NUMBER', { status: 400, message: parsed.message });
      const number = parsed?.ok ? parsed.phone.e164 : input.number;

      const zone = await clientZone(input.contactId, number);
      if (zone) {
        const facts = localTimeFacts({ zone, agentZone: config.companyTimeZone, now: clock.now(), window: config.callingWindow });
        if (!facts.isInsideCallingWindow) {
          if (!input.confirmOutsideWindow) {
            throw new AppError(OUTSIDE_CALLING_WINDOW, {
              status: 409,
              message: `It is ${facts.localTime.slice(11, 16)} for the client (${zone}), outside the calling window ${facts.window.start}–${facts.window.end}`,
              details: { zone, localTime: facts.localTime, nextAllowedAt: facts.nextAllowedAt, window: facts.window },
            });
          }
          // A confirmed call outside the window is allowed, and it is on the record.
          log.warn(
            { login: user.login, extension: user.extension, number, contactId: input.contactId, zone, clientTime: facts.localTime },
            'dialing outside the client calling window (confirmed by the agent)',
          );
        }
      }

      const dial: TrackedDial = {
        dialId: randomUUID(),
        userId: user.userId,
        extension: user.extension,
        number,
        contactId: input.contactId,
        callId: null,
        startedAt: clock.now().getTime(),
        lastStage: 'ringing-agent',
      };
      dials.set(dial.dialId, dial);
      let started: Awaited<ReturnType<TelephonyService['originate']>>;
      try {
        started = await telephony.originate({ extension: user.extension, number });
      } catch (error) {
        dials.delete(dial.dialId);
        throw error;
      }
      log.info({ login: user.login, extension: user.extension, number, dialId: dial.dialId }, 'click-to-dial started');
      started.outcome.then(
        (outcome) => {
          if (!dials.has(dial.dialId)) return;
          if (outcome.callId) dial.callId = outcome.callId;
          const failed = outcomeOfAgentLeg(outcome);
          if (failed) push(dial, 'finished', failed);
        },
        (error: unknown) => {
          log.warn({ err: error, dialId: dial.dialId }, 'click-to-dial outcome unknown');
          if (dials.has(dial.dialId)) push(dial, 'finished', 'failed');
        },
      );
      return { dialId: dial.dialId, number };
    },
    stop() {
      clearInterval(sweep);
      for (const off of unsubscribe) off();
    },
  };
}
