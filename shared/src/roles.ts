/** Who a user is in the call-center; every REST route and socket event checks it. */
export const ROLES = ['agent', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Whether `role` is one of `roles` (a missing user has none). */
export function hasRole(role: Role | null | undefined, roles: readonly Role[]): boolean {
  return role != null && roles.includes(role);
}

/**
 * Who may do what with contact cards. The server's routes enforce these lists and the consoles
 * show the matching buttons only to these roles, so an agent never meets a button that must fail.
 */
export const CONTACT_IMPORT_ROLES: readonly Role[] = ['manager', 'admin'];
export const CONTACT_MERGE_ROLES: readonly Role[] = ['supervisor', 'manager', 'admin'];

/** UI languages with a message catalog. */
export const LANGUAGES = ['ru', 'en', 'uk', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];
