export { requireAuth, requireRole, currentUser, currentToken, tokenFromRequest, attachSession } from './require-auth.js';
export { createSessionService, SESSION_COOKIE } from './session-service.js';
export type { SessionService, StartedSession } from './session-service.js';
export { createLoginThrottle, decideThrottle } from './login-throttle.js';
