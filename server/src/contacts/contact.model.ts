import { Schema, type Connection, type Model, type Types } from 'mongoose';
import { SEGMENTS, TIME_ZONE_SOURCES, type ContactTimeZone, type Segment } from '@crm/shared';

export interface ContactDocument {
  _id: Types.ObjectId;
  name: string;
  company: string | null;
  email: string | null;
  /** E.164; unique across all cards (multikey unique index). */
  phones: string[];
  /** Lower-case words and phone digit suffixes (see contact-search.ts). */
  searchKeys: string[];
  /** Format of `searchKeys`; older cards are rebuilt at start. */
  searchVersion: number;
  address: string | null;
  city: string | null;
  country: string | null;
  region: string | null;
  segment: Segment | null;
  vip: boolean;
  tags: string[];
  customFields: Record<string, string | number>;
  leadSource: string | null;
  ownerId: string | null;
  managerIds: string[];
  timeZone: ContactTimeZone;
  createdAt: Date;
  updatedAt: Date;
}

const timeZoneSchema = new Schema<ContactTimeZone>(
  {
    zone: { type: String, default: null },
    source: { type: String, enum: TIME_ZONE_SOURCES, default: 'none' },
    candidates: { type: [String], default: [] },
  },
  { _id: false },
);

const contactSchema = new Schema<ContactDocument>(
  {
    name: { type: String, required: true },
    company: { type: String, default: null },
    email: { type: String, default: null },
    phones: { type: [String], required: true },
    searchKeys: { type: [String], default: [] },
    searchVersion: { type: Number, default: 0 },
    address: { type: String, default: null },
    city: { type: String, default: null },
    country: { type: String, default: null },
    region: { type: String, default: null },
    segment: { type: String, enum: [...SEGMENTS, null], default: null },
    vip: { type: Boolean, default: false },
    tags: { type: [String], default: [] },
    customFields: { type: Schema.Types.Mixed, default: {} },
    leadSource: { type: String, default: null },
    ownerId: { type: String, default: null },
    managerIds: { type: [String], default: [] },
    timeZone: { type: timeZoneSchema, default: () => ({ zone: null, source: 'none', candidates: [] }) },
  },
  { collection: 'contacts', timestamps: true, minimize: false },
);

// Duplicate cards by phone are impossible: one number, one card (DESIGN §2.1).
contactSchema.index({ phones: 1 }, { unique: true, name: 'phones_unique' });
contactSchema.index({ searchKeys: 1 }, { name: 'search_keys' });
contactSchema.index({ name: 1 }, { name: 'name' });
contactSchema.index({ ownerId: 1 }, { name: 'owner' });

export function contactModel(connection: Connection): Model<ContactDocument> {
  return (connection.models.Contact as Model<ContactDocument> | undefined) ?? connection.model<ContactDocument>('Contact', contactSchema);
}

export interface ContactNoteDocument {
  _id: Types.ObjectId;
  contactId: string;
  text: string;
  authorId: string | null;
  authorName: string | null;
  createdAt: Date;
}

const noteSchema = new Schema<ContactNoteDocument>(
  {
    contactId: { type: String, required: true },
    text: { type: String, required: true },
    authorId: { type: String, default: null },
    authorName: { type: String, default: null },
    // Set from the app clock (not mongoose timestamps) so tests that pin time see notes in order.
    createdAt: { type: Date, required: true },
  },
  { collection: 'contact_notes' },
);
noteSchema.index({ contactId: 1, createdAt: -1 }, { name: 'contact_time' });

export function contactNoteModel(connection: Connection): Model<ContactNoteDocument> {
  return (
    (connection.models.ContactNote as Model<ContactNoteDocument> | undefined) ??
    connection.model<ContactNoteDocument>('ContactNote', noteSchema)
  );
}
