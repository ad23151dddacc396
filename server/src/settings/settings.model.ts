import { Schema, type Connection, type Model } from 'mongoose';
import type { CompanySettings } from '@crm/shared';

/** One document (`_id: 'company'`) holding the admin's company settings. */
export interface CompanySettingsDocument {
  _id: string;
  settings: Partial<CompanySettings>;
  updatedAt: Date;
}

const companySettingsSchema = new Schema<CompanySettingsDocument>(
  {
    _id: { type: String, required: true },
    // Validated by the shared zod schema before every write; stored as given.
    settings: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'company_settings', timestamps: { createdAt: false, updatedAt: true }, minimize: false },
);

export function companySettingsModel(connection: Connection): Model<CompanySettingsDocument> {
  return (
    (connection.models.CompanySettings as Model<CompanySettingsDocument> | undefined) ??
    connection.model<CompanySettingsDocument>('CompanySettings', companySettingsSchema)
  );
}
