import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestMongo, type TestMongo } from '../support/mongo.js';

let mongo: TestMongo;
let conn: Connection;

const companySchema = new Schema({ name: { type: String, required: true } }, { timestamps: true });
const contactSchema = new Schema(
  {
    name: { type: String, required: true, trim: true },
    phones: { type: [String], index: { unique: true } },
    email: { type: String, unique: true, sparse: true },
    segment: { type: String, enum: ['A', 'B', 'C'], default: 'C' },
    company: { type: Schema.Types.ObjectId, ref: 'Company' },
    tags: [String],
  },
  { timestamps: true },
);

beforeAll(async () => {
  mongo = await startTestMongo();
  conn = await mongoose.createConnection(`${mongo.url}/${mongo.dbName}`).asPromise();
  conn.model('Company', companySchema);
  conn.model('Contact', contactSchema);
  await conn.model('Contact').init();
});

afterAll(async () => {
  await conn?.close();
  await mongo?.stop();
});

describe('mongoose models', () => {
  it('creates documents with defaults and timestamps, and reads them lean', async () => {
    const Contact = conn.model('Contact');
    const created = await Contact.create({ name: '  Ann Lee ', phones: ['+74951230001'] });
    expect(created.get('segment')).toBe('C');
    expect(created.get('createdAt')).toBeInstanceOf(Date);
    const lean = await Contact.findOne({ phones: '+74951230001' }).lean<{ name: string; updatedAt: Date }>();
    expect(lean?.name).toBe('Ann Lee');
    expect(lean?.updatedAt).toBeInstanceOf(Date);
  });

  it('surfaces a duplicate phone as E11000 with keyValue', async () => {
    const Contact = conn.model('Contact');
    await Contact.create({ name: 'First', phones: ['+74951230002'] });
    const error = (await Contact.create({ name: 'Second', phones: ['+74951230002'] }).catch((e: unknown) => e)) as Record<string, unknown>;
    expect(error.code).toBe(11000);
    expect(error.keyValue).toEqual({ phones: '+74951230002' });
    expect(String(error.message)).toContain('E11000 duplicate key');
  });

  it('rejects invalid documents before they reach the store', async () => {
    const Contact = conn.model('Contact');
    const error = await Contact.create({ name: 'Bad', segment: 'Z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(mongoose.Error.ValidationError);
    expect(await Contact.countDocuments({ name: 'Bad' })).toBe(0);
  });

  it('populates references and updates with findOneAndUpdate', async () => {
    const Company = conn.model('Company');
    const Contact = conn.model('Contact');
    const acme = await Company.create({ name: 'Acme' });
    await Contact.create({ name: 'Cid', phones: ['+74951230003'], company: acme._id, tags: ['x'] });
    const found = await Contact.findOne({ name: 'Cid' }).populate<{ company: { name: string } }>('company');
    expect(found?.company.name).toBe('Acme');
    const updated = await Contact.findOneAndUpdate({ name: 'Cid' }, { $addToSet: { tags: 'vip' }, segment: 'A' }, { new: true }).lean<{ tags: string[]; segment: string }>();
    expect(updated).toMatchObject({ tags: ['x', 'vip'], segment: 'A' });
  });

  it('saves changes to a loaded document and deletes it', async () => {
    const Contact = conn.model('Contact');
    const doc = await Contact.create({ name: 'Dan', phones: ['+74951230004'] });
    doc.set('name', 'Daniel');
    await doc.save();
    expect((await Contact.findById(doc._id).lean<{ name: string }>())?.name).toBe('Daniel');
    await Contact.deleteOne({ _id: doc._id });
    expect(await Contact.exists({ _id: doc._id })).toBeNull();
  });

  it('lets a sparse unique email be absent on many contacts', async () => {
    const Contact = conn.model('Contact');
    await Contact.create([
      { name: 'E1', phones: ['+74951230011'] },
      { name: 'E2', phones: ['+74951230012'] },
      { name: 'E3', phones: ['+74951230013'], email: 'e3@x' },
    ]);
    const error = await Contact.create({ name: 'E4', phones: ['+74951230014'], email: 'e3@x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11000 });
  });
});
