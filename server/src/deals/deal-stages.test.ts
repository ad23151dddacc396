import { DEFAULT_FUNNEL_STAGES } from '@crm/shared';
import { describe, expect, it } from 'vitest';
import { initialStage, moveToStage } from './deal-stages.js';

const now = new Date('2026-03-02T09:00:00Z');
const openDeal = {
  stage: 'proposal',
  status: 'open' as const,
  nextStep: { text: 'Send the invoice', dueAt: '2026-03-03T09:00:00.000Z', taskId: null },
  lostReason: null,
  closedAt: null,
};

describe('funnel stages', () => {
  it('starts a deal at the first open stage', () => {
    expect(initialStage(DEFAULT_FUNNEL_STAGES).id).toBe('new');
  });

  it('moves an open deal forward and records who moved it', () => {
    const result = moveToStage({ deal: openDeal, to: 'invoice-sent', stages: DEFAULT_FUNNEL_STAGES, byUserId: 'u1', now });
    expect(result).toEqual({
      ok: true,
      move: {
        stage: 'invoice-sent',
        status: 'open',
        lostReason: null,
        closedAt: null,
        nextStep: openDeal.nextStep,
        entry: { stage: 'invoice-sent', at: '2026-03-02T09:00:00.000Z', byUserId: 'u1', note: null },
      },
    });
  });

  it('closes a won deal and drops its next step', () => {
    const result = moveToStage({ deal: openDeal, to: 'won', stages: DEFAULT_FUNNEL_STAGES, byUserId: 'u1', now });
    expect(result.ok && result.move).toMatchObject({ status: 'won', closedAt: '2026-03-02T09:00:00.000Z', nextStep: null });
  });

  it('refuses to lose a deal without a reason', () => {
    expect(moveToStage({ deal: openDeal, to: 'lost', stages: DEFAULT_FUNNEL_STAGES, byUserId: 'u1', now })).toMatchObject({
      ok: false,
      code: 'LOST_REASON_REQUIRED',
    });
    const lost = moveToStage({ deal: openDeal, to: 'lost', reason: 'Chose a competitor', stages: DEFAULT_FUNNEL_STAGES, byUserId: 'u1', now });
    expect(lost.ok && lost.move).toMatchObject({ status: 'lost', lostReason: 'Chose a competitor' });
  });

  it('reopens a lost deal moved back to an open stage', () => {
    const lost = { ...openDeal, stage: 'lost', status: 'lost' as const, nextStep: null, lostReason: 'Price', closedAt: '2026-03-01T00:00:00.000Z' };
    const result = moveToStage({ deal: lost, to: 'qualified', stages: DEFAULT_FUNNEL_STAGES, byUserId: null, now });
    expect(result.ok && result.move).toMatchObject({ status: 'open', lostReason: null, closedAt: null });
  });

  it('names the funnel when the stage is unknown', () => {
    const result = moveToStage({ deal: openDeal, to: 'shipped', stages: DEFAULT_FUNNEL_STAGES, byUserId: null, now });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain('new, qualified, proposal, invoice-sent, won, lost');
  });

  it('changes nothing when the deal is already in that stage', () => {
    expect(moveToStage({ deal: openDeal, to: 'proposal', stages: DEFAULT_FUNNEL_STAGES, byUserId: null, now })).toEqual({ ok: true, move: null });
  });
});
