import { Schema, type Connection, type Model } from 'mongoose';
import { LANGUAGES, ROLES, type Language, type Role } from '@crm/shared';

export interface UserDocument {
  login: string;
  /** Lower-cased login, unique: `Agent1` and `agent1` are the same person. */
  loginKey: string;
  passwordHash: string;
  displayName: string;
  role: Role;
  extension: string | null;
  queues: string[];
  language: Language;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const userSchema = new Schema<UserDocument>(
  {
    login: { type: String, required: true },
    loginKey: { type: String, required: true, unique: true },
    passwordHash: { type: String, required: true },
    displayName: { type: String, required: true },
    role: { type: String, enum: ROLES, required: true },
    extension: { type: String, default: null },
    queues: { type: [String], default: [] },
    language: { type: String, enum: LANGUAGES, default: 'ru' },
    disabled: { type: Boolean, default: false },
  },
  { collection: 'users', timestamps: true },
);
userSchema.index({ extension: 1 });

/** The model bound to one connection (never the global mongoose connection). */
export function userModel(connection: Connection): Model<UserDocument> {
  return (connection.models.User as Model<UserDocument> | undefined) ?? connection.model<UserDocument>('User', userSchema);
}
