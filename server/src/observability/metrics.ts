import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one app instance (a Registry per app, so tests can run several apps in
 * one process). Other domains increment these, e.g. telephony: `metrics.amiEvents.inc({ event })`.
 */
export interface AppMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  socketConnections: Gauge<'role'>;
  socketConnectsTotal: Counter<'result'>;
  socketCommands: Counter<'event' | 'result'>;
  amiConnected: Gauge;
  amiEvents: Counter<'event'>;
  amiActions: Counter<'action' | 'result'>;
  amiReconnects: Counter;
}

export function createMetrics({ defaultMetrics = true }: { defaultMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'crm_' });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'crm_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'crm_http_request_duration_seconds',
      help: 'HTTP request duration in seconds',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    socketConnections: new Gauge({
      name: 'crm_socketio_connections',
      help: 'Socket.IO connections open on this instance, by role',
      labelNames: ['role'] as const,
      registers,
    }),
    socketConnectsTotal: new Counter({
      name: 'crm_socketio_connects_total',
      help: 'Socket.IO connection attempts, accepted or refused',
      labelNames: ['result'] as const,
      registers,
    }),
    socketCommands: new Counter({
      name: 'crm_socketio_commands_total',
      help: 'Socket.IO commands handled, by event and result (ok or the error code)',
      labelNames: ['event', 'result'] as const,
      registers,
    }),
    amiConnected: new Gauge({
      name: 'crm_ami_connected',
      help: '1 while this instance holds a logged-in AMI connection',
      registers,
    }),
    amiEvents: new Counter({
      name: 'crm_ami_events_total',
      help: 'Telephony events derived from AMI (calls ringing, answered, ended, agent states…), by kind',
      labelNames: ['event'] as const,
      registers,
    }),
    amiActions: new Counter({
      name: 'crm_ami_actions_total',
      help: 'AMI actions and their results (Originate success or call result), by action',
      labelNames: ['action', 'result'] as const,
      registers,
    }),
    amiReconnects: new Counter({
      name: 'crm_ami_reconnects_total',
      help: 'AMI reconnections after a lost connection',
      registers,
    }),
  };
}
