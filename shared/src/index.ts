export * from './roles.js';
export * from './errors.js';
export * from './auth.js';
export * from './health.js';
export * from './calls.js';
export * from './agents.js';
export * from './events.js';
