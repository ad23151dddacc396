import { Schema, type Connection, type Model } from 'mongoose';
import { CALL_DIRECTIONS, CALL_RESULTS, type CallDirection, type CallResult } from '@crm/shared';

/** One document per call, keyed by Linkedid (the id Asterisk gives the whole call). */
export interface CallDocument {
  linkedid: string;
  direction: CallDirection;
  callerNumber: string | null;
  calledNumber: string | null;
  queue: string | null;
  agentExtension: string | null;
  ringingAgents: string[];
  contactId: string | null;
  result: CallResult | null;
  active: boolean;
  startedAt: Date;
  queuedAt: Date | null;
  ringingAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  waitSeconds: number | null;
  talkSeconds: number | null;
  hangupCause: number | null;
  endedDuringOutage: boolean;
  /** The call model's state while the call is up, so a restarted server can carry on (null once ended). */
  state: string | null;
  updatedAt: Date;
}

const callSchema = new Schema<CallDocument>(
  {
    linkedid: { type: String, required: true, unique: true },
    direction: { type: String, enum: CALL_DIRECTIONS, required: true },
    callerNumber: { type: String, default: null },
    calledNumber: { type: String, default: null },
    queue: { type: String, default: null },
    agentExtension: { type: String, default: null },
    ringingAgents: { type: [String], default: [] },
    contactId: { type: String, default: null },
    result: { type: String, enum: [...CALL_RESULTS, null], default: null },
    active: { type: Boolean, required: true },
    startedAt: { type: Date, required: true },
    queuedAt: { type: Date, default: null },
    ringingAt: { type: Date, default: null },
    answeredAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    waitSeconds: { type: Number, default: null },
    talkSeconds: { type: Number, default: null },
    hangupCause: { type: Number, default: null },
    endedDuringOutage: { type: Boolean, default: false },
    // JSON text: leg keys are Uniqueids, which contain dots MongoDB does not take in field names.
    state: { type: String, default: null },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'calls', minimize: false },
);
callSchema.index({ startedAt: -1 });
callSchema.index({ active: 1 });
callSchema.index({ agentExtension: 1, startedAt: -1 });
callSchema.index({ queue: 1, startedAt: -1 });
callSchema.index({ callerNumber: 1 });
callSchema.index({ calledNumber: 1 });

/** The model bound to one connection (never the global mongoose connection). */
export function callModel(connection: Connection): Model<CallDocument> {
  return (connection.models.Call as Model<CallDocument> | undefined) ?? connection.model<CallDocument>('Call', callSchema);
}
