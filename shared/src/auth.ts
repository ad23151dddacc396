import { z } from 'zod';
import { LANGUAGES, ROLES } from './roles.js';

export const roleSchema = z.enum(ROLES);
export const languageSchema = z.enum(LANGUAGES);

/** An agent's phone extension as Asterisk knows it (digits, 2–8 long). */
export const extensionSchema = z.string().regex(/^\d{2,8}$/, 'must be 2–8 digits');

export const loginRequestSchema = z.object({
  login: z.string().trim().min(1, 'is required').max(64),
  password: z.string().min(1, 'is required').max(256),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

/** The user as every client sees it (never the password hash). */
export const userSchema = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  role: roleSchema,
  extension: extensionSchema.nullable(),
  queues: z.array(z.string()),
  language: languageSchema,
  disabled: z.boolean(),
});
export type User = z.infer<typeof userSchema>;

/** What login returns (DESIGN §5): `{ user: { id, login, role }, token }`, extended with profile fields. */
export interface LoginResponse {
  user: User;
  token: string;
}

export const createUserSchema = z.object({
  login: z
    .string()
    .trim()
    .min(2)
    .max(64)
    .regex(/^[a-zA-Z0-9._-]+$/, 'may contain only letters, digits, dot, dash and underscore'),
  password: z.string().min(4, 'must be at least 4 characters').max(256),
  displayName: z.string().trim().min(1).max(120),
  role: roleSchema,
  extension: extensionSchema.nullable().default(null),
  queues: z.array(z.string().trim().min(1).max(64)).default([]),
  language: languageSchema.default('ru'),
});
export type CreateUserRequest = z.input<typeof createUserSchema>;

export const updateUserSchema = z
  .object({
    password: z.string().min(4, 'must be at least 4 characters').max(256),
    displayName: z.string().trim().min(1).max(120),
    role: roleSchema,
    extension: extensionSchema.nullable(),
    queues: z.array(z.string().trim().min(1).max(64)),
    language: languageSchema,
    disabled: z.boolean(),
  })
  .partial();
export type UpdateUserRequest = z.infer<typeof updateUserSchema>;

/** A user may change their own UI language without admin rights. */
export const updateMyPreferencesSchema = z.object({ language: languageSchema });

/** A user changes their own password (knowing the current one); other sessions end. */
export const changeMyPasswordSchema = z.object({
  currentPassword: z.string().min(1, 'is required').max(256),
  newPassword: z.string().min(4, 'must be at least 4 characters').max(256),
});
export type ChangeMyPasswordRequest = z.infer<typeof changeMyPasswordSchema>;
