import type { Contact, Role } from '@crm/shared';

/**
 * Who may give a client to an owner. The owner of a client gets its tasks first, so an agent may
 * take an unowned client or hand their own on, but not take another agent's client; supervisors,
 * managers and admins may reassign anyone.
 */
export function ownerChangeRefusal(
  user: { id: string; role: Role },
  card: Pick<Contact, 'ownerId'>,
  newOwnerId: string | null,
): string | null {
  if (newOwnerId === card.ownerId || user.role !== 'agent') return null;
  if (card.ownerId !== null && card.ownerId !== user.id) return "Only a supervisor, manager or admin can reassign another agent's client";
  if (card.ownerId === null && newOwnerId !== user.id) return 'An agent can take an unowned client only for themselves';
  return null;
}
