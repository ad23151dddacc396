import type { z } from 'zod';
import { AppError } from './app-error.js';

export interface FieldIssue {
  field: string;
  message: string;
}

/** `['queues', 2]` → `queues.2`; an issue about the whole value is reported as `body`. */
function fieldName(path: readonly PropertyKey[], root: string): string {
  if (path.length === 0) return root;
  return path.map((part) => String(part)).join('.');
}

/** A missing field reads "is required" rather than zod's "Invalid input: expected string, received undefined". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && (issue as { input?: unknown }).input === undefined) return 'is required';
  return issue.message;
}

export function describeIssues(issues: readonly z.core.$ZodIssue[], root = 'body'): FieldIssue[] {
  return issues.map((issue) => ({ field: fieldName(issue.path, root), message: issueMessage(issue) }));
}

/**
 * Validates untrusted input (a body, `req.query`, `req.params`, a socket payload) against a zod
 * schema and returns the parsed value, or throws AppError('VALIDATION_FAILED', 400) whose message
 * lists `field: message` for every issue (e.g. "password: is required") and whose details carry
 * the same list as `{ fields: [{ field, message }] }`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'body'): z.infer<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const fields = describeIssues(result.error.issues, root);
  const message = fields.map(({ field, message: text }) => `${field}: ${text}`).join('; ');
  throw AppError.validation(message, { fields });
}
