import { Schema, type Connection, type Model, type Types } from 'mongoose';

/** A server-side session: revocable, and removed by the TTL index once `expiresAt` passes. */
export interface SessionDocument {
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  userId: Types.ObjectId | string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

const sessionSchema = new Schema<SessionDocument>(
  {
    tokenHash: { type: String, required: true, unique: true },
    userId: { type: String, required: true, index: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    userAgent: { type: String, default: null },
    ip: { type: String, default: null },
  },
  { collection: 'sessions' },
);
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function sessionModel(connection: Connection): Model<SessionDocument> {
  return (connection.models.Session as Model<SessionDocument> | undefined) ?? connection.model<SessionDocument>('Session', sessionSchema);
}
