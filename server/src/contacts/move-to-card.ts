import type { Model, QueryFilter } from 'mongoose';
import type { ContactChanges } from './contact-changes.js';

/**
 * Re-points a card's records (notes, deals) to another card, all or nothing, and returns the ids
 * moved so a failed merge can move exactly those back. Without `ids`, every record of `fromId`.
 */
export async function moveToCard<T>(records: Model<T>, changeFeed: ContactChanges, fromId: string, toId: string, ids?: readonly string[]): Promise<string[]> {
  // The ids first, so that what moved can be named (and moved back) exactly.
  const moving = ids ? [...ids] : (await records.find({ contactId: fromId } as QueryFilter<T>, { _id: 1 }).lean<{ _id: unknown }[]>()).map((doc) => String(doc._id));
  if (moving.length === 0) return [];
  try {
    await records.updateMany({ _id: { $in: moving }, contactId: fromId } as QueryFilter<T>, { $set: { contactId: toId } });
  } catch (error) {
    // Records that did move before the failure go back.
    await records.updateMany({ _id: { $in: moving }, contactId: toId } as QueryFilter<T>, { $set: { contactId: fromId } }).catch(() => undefined);
    throw error;
  }
  changeFeed.notify({ contactId: fromId });
  changeFeed.notify({ contactId: toId });
  return moving;
}
