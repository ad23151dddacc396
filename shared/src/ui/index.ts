/** React pieces both consoles share (compiled by the consoles only, never by the server). */
export * from './api-client.js';
export * from './app-header.js';
export * from './app-providers.js';
export * from './connection-indicator.js';
export * from './error-message.js';
export * from './error-notice.js';
export * from './i18n.js';
export * from './live-clock.js';
export * from './navigation.js';
export * from './pushed-query.js';
export * from './query-client.js';
export * from './require-session.js';
export * from './screens.js';
export * from './session.js';
export * from './socket.js';
export * from './use-now.js';
export * from './user-menu.js';
