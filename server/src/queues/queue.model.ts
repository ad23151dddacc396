import { Schema, type Connection, type Model } from 'mongoose';

/** An Asterisk queue the CRM knows about (name as in queues.conf) and its reporting settings. */
export interface QueueDocument {
  name: string;
  displayName: string;
  /** Service level: answered within this many seconds (DESIGN §2.6, default 20). */
  serviceLevelSeconds: number;
  /** Abandons quicker than this are "short" and shown apart. */
  shortAbandonSeconds: number;
  createdAt: Date;
  updatedAt: Date;
}

const queueSchema = new Schema<QueueDocument>(
  {
    name: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    serviceLevelSeconds: { type: Number, default: 20 },
    shortAbandonSeconds: { type: Number, default: 5 },
  },
  { collection: 'queues', timestamps: true },
);

export function queueModel(connection: Connection): Model<QueueDocument> {
  return (connection.models.Queue as Model<QueueDocument> | undefined) ?? connection.model<QueueDocument>('Queue', queueSchema);
}
