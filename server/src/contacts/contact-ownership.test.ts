import { describe, expect, it } from 'vitest';
import { ownerChangeRefusal } from './contact-ownership.js';

const agent = { id: 'a1', role: 'agent' as const };

describe('who may change the owner of a client', () => {
  it('lets an agent take an unowned client or hand their own on', () => {
    expect(ownerChangeRefusal(agent, { ownerId: null }, 'a1')).toBeNull();
    expect(ownerChangeRefusal(agent, { ownerId: 'a1' }, 'a2')).toBeNull();
  });

  it("refuses an agent taking another agent's client or giving an unowned one away", () => {
    expect(ownerChangeRefusal(agent, { ownerId: 'a2' }, 'a1')).toMatch(/reassign/);
    expect(ownerChangeRefusal(agent, { ownerId: null }, 'a2')).toMatch(/only for themselves/);
  });

  it('lets supervisors reassign anyone and ignores an unchanged owner', () => {
    expect(ownerChangeRefusal({ id: 's', role: 'supervisor' }, { ownerId: 'a2' }, 'a1')).toBeNull();
    expect(ownerChangeRefusal(agent, { ownerId: 'a2' }, 'a2')).toBeNull();
  });
});
