import type { DependencyHealth } from '@crm/shared';

/**
 * What the foundation needs from telephony: its health for /healthz and a way to stop it. The
 * telephony service (`createTelephony`, server/src/telephony) satisfies this structurally; when
 * it lands, `AppTelephony` can become its full type so domains reach it through `ctx.telephony`.
 */
export interface TelephonyPort {
  /** `mode` is 'simulator' for the built-in PBX simulator, 'external' for a real Asterisk. */
  health(): DependencyHealth;
  close?(): Promise<void>;
}

export type AppTelephony = TelephonyPort;
