export { AppError, isAppError } from './app-error.js';
export type { AppErrorOptions } from './app-error.js';
export { parseInput, describeIssues } from './validate.js';
export type { FieldIssue } from './validate.js';
