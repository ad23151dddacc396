import type { Deal, DealStageChange, DealStatus, FunnelStage } from '@crm/shared';

/** Funnel rules: where a new deal starts and what moving it to a stage does. No I/O. */

export function initialStage(stages: readonly FunnelStage[]): FunnelStage {
  const first = stages.find((stage) => stage.kind === 'open');
  if (!first) throw new Error('A funnel needs at least one open stage');
  return first;
}

export type StageMoveError = 'STAGE_UNKNOWN' | 'LOST_REASON_REQUIRED';

export interface StageMove {
  stage: string;
  status: DealStatus;
  lostReason: string | null;
  closedAt: string | null;
  /** Won or lost deals have no next step; an open one keeps its own. */
  nextStep: Deal['nextStep'];
  entry: DealStageChange;
}

export type StageMoveResult = { ok: true; move: StageMove | null } | { ok: false; code: StageMoveError; message: string };

export interface StageMoveInput {
  deal: Pick<Deal, 'stage' | 'status' | 'nextStep' | 'lostReason' | 'closedAt'>;
  to: string;
  stages: readonly FunnelStage[];
  reason?: string | undefined;
  note?: string | undefined;
  byUserId: string | null;
  now: Date;
}

/**
 * Moving to a won/lost stage closes the deal (lost needs a reason); moving a closed deal to an open
 * stage reopens it. Moving to the stage it is in changes nothing (`move: null`).
 */
export function moveToStage({ deal, to, stages, reason, note, byUserId, now }: StageMoveInput): StageMoveResult {
  const target = stages.find((stage) => stage.id === to);
  if (!target) {
    return { ok: false, code: 'STAGE_UNKNOWN', message: `Stage "${to}" is not in the funnel (${stages.map((stage) => stage.id).join(', ')})` };
  }
  if (target.kind === 'lost' && !reason?.trim()) {
    return { ok: false, code: 'LOST_REASON_REQUIRED', message: 'A lost deal needs a reason' };
  }
  if (deal.stage === target.id) return { ok: true, move: null };
  const at = now.toISOString();
  const isClosing = target.kind !== 'open';
  return {
    ok: true,
    move: {
      stage: target.id,
      status: target.kind,
      lostReason: target.kind === 'lost' ? (reason?.trim() ?? null) : null,
      closedAt: isClosing ? at : null,
      nextStep: isClosing ? null : deal.nextStep,
      entry: { stage: target.id, at, byUserId, note: note?.trim() || (target.kind === 'lost' ? (reason?.trim() ?? null) : null) },
    },
  };
}
