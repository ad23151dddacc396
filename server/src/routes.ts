import type { Router } from 'express';
import { createAgentCalls, type AgentCalls } from './agent-calls/index.js';
import { createAuthRouter } from './auth/auth.routes.js';
import { createCallsRouter } from './calls/calls.routes.js';
import { startLinkingCallsToCards } from './contacts/calls-follow-cards.js';
import { createContactsRouter } from './contacts/contacts.routes.js';
import { createDealsRouter } from './deals/deals.routes.js';
import type { AppContext } from './platform/app-context.js';
import { createQueuesRouter } from './queues/queues.routes.js';
import type { SocketRegistrar } from './realtime/realtime.js';
import { createSettingsRouter } from './settings/settings.routes.js';
import { createUsersRouter } from './users/users.routes.js';

/**
 * THE place where domains plug into the app. Add one line per domain:
 *
 *   - REST: `{ path: '/api/calls', router: createCallsRouter(ctx) }` — the router does its own
 *     `requireRole(...)` and `parseInput(schema, req.body | req.query)`; errors are thrown as
 *     AppError and answered by the one error middleware.
 *   - Socket.IO: `registerCallsSocket(ctx)` returning `(socket) => onCommand(socket, 'call:dial', {...}, ctx)`.
 *   - Background work (AMI subscriptions, timers): start it in `startDomains` and stop it with
 *     `ctx.onClose(...)`.
 */

export interface DomainRouter {
  path: `/api/${string}`;
  router: Router;
}

export function domainRouters(ctx: AppContext): DomainRouter[] {
  return [
    { path: '/api/auth', router: createAuthRouter(ctx) },
    { path: '/api/users', router: createUsersRouter(ctx) },
    { path: '/api/queues', router: createQueuesRouter(ctx) },
    { path: '/api/calls', router: createCallsRouter(ctx) },
    { path: '/api/contacts', router: createContactsRouter(ctx) },
    { path: '/api/deals', router: createDealsRouter(ctx) },
    { path: '/api/settings', router: createSettingsRouter(ctx) },
  ];
}

/** Domains whose socket handlers and background work share one instance per app. */
const agentCallsByApp = new WeakMap<AppContext, AgentCalls>();
function agentCalls(ctx: AppContext): AgentCalls {
  let instance = agentCallsByApp.get(ctx);
  if (!instance) agentCallsByApp.set(ctx, (instance = createAgentCalls(ctx)));
  return instance;
}

export function domainSocketHandlers(ctx: AppContext): SocketRegistrar[] {
  return [agentCalls(ctx).socket];
}

/** Starts domain background work once the app is built (subscriptions to telephony, timers). */
export async function startDomains(ctx: AppContext): Promise<void> {
  agentCalls(ctx).start();
  ctx.onClose(startLinkingCallsToCards(ctx));
}
