import { describe, expect, it } from 'vitest';
import { CursorRegistry } from './cursors.js';

const docs = Array.from({ length: 5 }, (_, i) => ({ _id: i }));
const TEN_MINUTES = 10 * 60 * 1000;

describe('cursor registry', () => {
  it('drops a cursor left idle past the cursor timeout, so getMore then reports CursorNotFound', () => {
    const cursors = new CursorRegistry();
    const { cursor } = cursors.start('crm.calls', docs, { batchSize: 2 });
    cursors.reapIdle(Date.now() + TEN_MINUTES / 2);
    expect(cursors.getMore(cursor.id, 'crm.calls', 2).cursor.nextBatch).toHaveLength(2);
    cursors.reapIdle(Date.now() + TEN_MINUTES + 1000);
    expect(cursors.size).toBe(0);
    expect(() => cursors.getMore(cursor.id, 'crm.calls', 2)).toThrow(expect.objectContaining({ code: 43, codeName: 'CursorNotFound' }));
  });

  it('keeps a cursor opened with noCursorTimeout until it is exhausted or killed', () => {
    const cursors = new CursorRegistry();
    const { cursor } = cursors.start('crm.calls', docs, { batchSize: 2, noCursorTimeout: true });
    cursors.reapIdle(Date.now() + 24 * 60 * 60 * 1000);
    expect(cursors.getMore(cursor.id, 'crm.calls', 0).cursor.nextBatch).toHaveLength(3);
    expect(cursors.size).toBe(0);
  });
});
