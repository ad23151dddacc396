import type { DependencyHealth } from '@crm/shared';
import type { TelephonyService } from '../telephony/telephony-service.js';

/**
 * What the foundation itself needs from telephony: its health for /healthz and a way to stop it.
 */
export interface TelephonyPort {
  /** `mode` is 'simulator' for the built-in PBX simulator, 'external' for a real Asterisk. */
  health(): DependencyHealth;
  close?(): Promise<void>;
}

/**
 * What domains reach through `ctx.telephony`: the full telephony service (`createTelephony`,
 * server/src/telephony) — originate, queue actions, typed call/agent events.
 */
export type AppTelephony = TelephonyService;
