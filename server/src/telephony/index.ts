/** Telephony: the AMI connection, the call model and the telephony service (see README.md). */
export { createTelephony } from './telephony-service.js';
export type {
  ChannelSnapshot,
  PhoneCommand,
  QueueSnapshot,
  TelephonyEvents,
  TelephonyMetrics,
  TelephonyOptions,
  TelephonyService,
  TelephonyStatus,
} from './telephony-service.js';
export { explainOriginateReason } from './call-state.js';
export type { OriginateOutcome } from './call-state.js';
export { DEFAULT_AGENT_INTERFACE_PATTERN, createAgentMatcher } from './agent-identity.js';
export { startTelephony } from './start-telephony.js';
export type { StartTelephonyOptions, StartedTelephony } from './start-telephony.js';
