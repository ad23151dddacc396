/** Call records: one document per call (keyed by Linkedid), the repository and the REST router. */
export { createCallRepository, toCallRecord } from './call.repository.js';
export type { CallRepository, CallWrite } from './call.repository.js';
export { callModel } from './call.model.js';
export type { CallDocument } from './call.model.js';
export { createCallsRouter } from './calls.routes.js';
