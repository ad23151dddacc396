/** Who a user is in the call-center; every REST route and socket event checks it. */
export const ROLES = ['agent', 'supervisor', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** UI languages with a message catalog. */
export const LANGUAGES = ['ru', 'en', 'uk', 'pl'] as const;
export type Language = (typeof LANGUAGES)[number];
