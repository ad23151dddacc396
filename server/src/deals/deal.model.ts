import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { DEAL_STATUSES, type DealNextStep, type DealStageChange, type DealStatus } from '@crm/shared';

export interface DealDocument {
  _id: Types.ObjectId;
  contactId: string;
  title: string;
  amount: number | null;
  currency: string;
  stage: string;
  status: DealStatus;
  ownerId: string | null;
  nextStep: DealNextStep | null;
  stageHistory: DealStageChange[];
  lostReason: string | null;
  closedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const nextStepSchema = new Schema<DealNextStep>(
  { text: { type: String, required: true }, dueAt: { type: String, default: null }, taskId: { type: String, default: null } },
  { _id: false },
);

const stageChangeSchema = new Schema<DealStageChange>(
  {
    stage: { type: String, required: true },
    at: { type: String, required: true },
    byUserId: { type: String, default: null },
    note: { type: String, default: null },
  },
  { _id: false },
);

const dealSchema = new Schema<DealDocument>(
  {
    contactId: { type: String, required: true },
    title: { type: String, required: true },
    amount: { type: Number, default: null },
    currency: { type: String, default: 'RUB' },
    stage: { type: String, required: true },
    status: { type: String, enum: DEAL_STATUSES, default: 'open' },
    ownerId: { type: String, default: null },
    nextStep: { type: nextStepSchema, default: null },
    stageHistory: { type: [stageChangeSchema], default: [] },
    lostReason: { type: String, default: null },
    closedAt: { type: Date, default: null },
  },
  { collection: 'deals', timestamps: true },
);

dealSchema.index({ contactId: 1, status: 1 }, { name: 'contact_status' });
dealSchema.index({ ownerId: 1, status: 1 }, { name: 'owner_status' });

export function dealModel(connection: Connection): Model<DealDocument> {
  return (connection.models.Deal as Model<DealDocument> | undefined) ?? connection.model<DealDocument>('Deal', dealSchema);
}
