import type { Deal, MoveDealStageRequest, User } from '@crm/shared';
import { createDealSchema, updateDealSchema } from '@crm/shared';
import type { Connection } from 'mongoose';
import type { z } from 'zod';
import { createContactRepository } from '../contacts/contact.repository.js';
import { AppError } from '../http/app-error.js';
import type { Clock } from '../platform/clock.js';
import { settingsRepositoryFor } from '../settings/settings.repository.js';
import { initialStage, moveToStage } from './deal-stages.js';
import { createDealRepository, type DealRepository } from './deal.repository.js';

export interface DealsService {
  repository: DealRepository;
  get(id: string): Promise<Deal>;
  create(input: z.infer<typeof createDealSchema>, by: User): Promise<Deal>;
  update(id: string, input: z.infer<typeof updateDealSchema>): Promise<Deal>;
  moveStage(id: string, input: MoveDealStageRequest, by: User): Promise<Deal>;
}

export function createDealsService({ connection, clock }: { connection: Connection; clock: Clock }): DealsService {
  const deals = createDealRepository(connection);
  const contacts = createContactRepository(connection);
  const settings = settingsRepositoryFor(connection);

  async function get(id: string): Promise<Deal> {
    const deal = await deals.findById(id);
    if (!deal) throw AppError.notFound('Deal');
    return deal;
  }

  return {
    repository: deals,
    get,
    async create(input, by) {
      const contact = await contacts.findById(input.contactId);
      if (!contact) throw AppError.validation(`contactId: no contact ${input.contactId}`);
      const { funnelStages } = await settings.get();
      const stage = input.stage ? funnelStages.find((candidate) => candidate.id === input.stage) : initialStage(funnelStages);
      if (!stage || stage.kind !== 'open') {
        throw AppError.validation(`stage: a new deal starts at an open stage (${funnelStages.filter((s) => s.kind === 'open').map((s) => s.id).join(', ')})`);
      }
      const now = clock.now().toISOString();
      return deals.insert({
        contactId: contact.id,
        title: input.title,
        amount: input.amount,
        currency: input.currency,
        stage: stage.id,
        status: 'open',
        ownerId: input.ownerId === undefined ? (contact.ownerId ?? by.id) : input.ownerId,
        nextStep: input.nextStep,
        stageHistory: [{ stage: stage.id, at: now, byUserId: by.id, note: null }],
        lostReason: null,
        closedAt: null,
      });
    },
    async update(id, input) {
      const deal = await get(id);
      if (input.nextStep && deal.status !== 'open') {
        throw new AppError('DEAL_CLOSED', { status: 409, message: `The deal is ${deal.status}; a closed deal has no next step` });
      }
      const updated = await deals.update(id, input);
      if (!updated) throw AppError.notFound('Deal');
      return updated;
    },
    async moveStage(id, input, by) {
      const deal = await get(id);
      const { funnelStages } = await settings.get();
      const result = moveToStage({
        deal,
        to: input.stage,
        stages: funnelStages,
        reason: input.reason,
        note: input.note,
        byUserId: by.id,
        now: clock.now(),
      });
      if (!result.ok) throw new AppError(result.code, { status: 400, message: result.message });
      if (!result.move) return deal;
      const { entry, ...changes } = result.move;
      const updated = await deals.update(id, changes, entry);
      if (!updated) throw AppError.notFound('Deal');
      return updated;
    },
  };
}
