/**
 * Inbound call traffic for the simulator: Poisson arrivals into `support` and `sales`, callers
 * from the demo contacts plus unknown numbers, patience and talk times spread around their means.
 */
import type { SimPbx } from './sim-pbx.js';

export interface TrafficOptions {
  callsPerMinute: number;
  /** Mean seconds a caller waits in queue before hanging up. */
  patienceSeconds: number;
  /** Mean seconds of a conversation. */
  talkSeconds: number;
  callers: Array<{ number: string; name: string }>;
  /** Share of callers that are not in the contact list. */
  unknownShare?: number;
  /** Load mode: arrivals at exact intervals instead of random ones. */
  exact?: boolean;
  /** When set, the first caller arrives this many seconds after start (a demo shows a call at once). */
  firstCallAfterSeconds?: number;
  /**
   * Calls between agents: a free demo agent (one no console drives) dials a free colleague's
   * extension from their desk phone, this often on average. Default 0 (none).
   */
  internalCallsPerMinute?: number;
}

export function startTraffic(pbx: SimPbx, options: Partial<TrafficOptions> & { callers: TrafficOptions['callers'] }, random: () => number): () => void {
  const callsPerMinute = options.callsPerMinute ?? 2;
  const patience = options.patienceSeconds ?? 45;
  const talk = options.talkSeconds ?? 40;
  const unknownShare = options.unknownShare ?? (options.callers.length === 0 ? 1 : 0.3);
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;

  const next = () => {
    if (stopped || callsPerMinute <= 0) return;
    const meanSeconds = 60 / callsPerMinute;
    // Exponential inter-arrival times give a Poisson process.
    const seconds = options.exact ? meanSeconds : -Math.log(1 - random()) * meanSeconds;
    timer = pbx.after(seconds, () => {
      arrive();
      next();
    });
  };

  const arrive = () => {
    const known = options.callers.length > 0 && random() >= unknownShare;
    const caller = known ? options.callers[Math.floor(random() * options.callers.length)] : undefined;
    const from = caller?.number ?? `+7900${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`;
    pbx.placeInboundCall({
      from,
      name: caller?.name ?? from,
      queue: random() < 0.6 ? 'support' : 'sales',
      patienceSeconds: Math.max(1, patience * (0.5 + random())),
      talkSeconds: Math.max(1, talk * (0.4 + 1.2 * random())),
    });
  };

  if (options.firstCallAfterSeconds !== undefined && callsPerMinute > 0) {
    timer = pbx.after(options.firstCallAfterSeconds, () => {
      arrive();
      next();
    });
  } else {
    next();
  }
  const stopInternal = startInternalCalls(pbx, options, random);
  return () => {
    stopped = true;
    pbx.cancel(timer);
    stopInternal();
  };
}

function startInternalCalls(pbx: SimPbx, options: Partial<TrafficOptions>, random: () => number): () => void {
  const perMinute = options.internalCallsPerMinute ?? 0;
  const talk = options.talkSeconds ?? 40;
  let timer: NodeJS.Timeout | null = null;
  if (perMinute <= 0) return () => undefined;
  const next = () => {
    timer = pbx.after(-Math.log(1 - random()) * (60 / perMinute), () => {
      const free = [...pbx.agents.values()].filter((agent) => !pbx.isBusy(agent));
      // A phone a console drives only dials when its agent does.
      const callers = free.filter((agent) => !agent.human);
      const caller = callers[Math.floor(random() * callers.length)];
      const callees = free.filter((agent) => agent !== caller);
      const callee = callees[Math.floor(random() * callees.length)];
      if (caller && callee) pbx.placeInternalCall({ from: caller.extension, to: callee.extension, talkSeconds: Math.max(1, talk * (0.2 + 0.6 * random())) });
      next();
    });
  };
  next();
  return () => pbx.cancel(timer);
}
