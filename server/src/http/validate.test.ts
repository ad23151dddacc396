import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loginRequestSchema } from '@crm/shared';
import { AppError } from './app-error.js';
import { parseInput } from './validate.js';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('parseInput', () => {
  it('returns the parsed value', () => {
    expect(parseInput(loginRequestSchema, { login: ' agent1 ', password: 'demo' })).toEqual({ login: 'agent1', password: 'demo' });
  });

  it('names a missing field as required', () => {
    const error = failure(() => parseInput(loginRequestSchema, { login: 'agent1' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.message).toBe('password: is required');
  });

  it('lists every bad field with its path', () => {
    const schema = z.object({ queues: z.array(z.string().min(1, 'must not be empty')), age: z.number().int() });
    const error = failure(() => parseInput(schema, { queues: ['support', ''], age: 'old' }));
    expect(error.message).toContain('queues.1: must not be empty');
    expect(error.message).toContain('age: ');
    expect(error.details).toEqual({ fields: expect.arrayContaining([{ field: 'queues.1', message: 'must not be empty' }]) });
  });

  it('reports a wrong top-level value against the root name', () => {
    const error = failure(() => parseInput(loginRequestSchema, 'nope', 'payload'));
    expect(error.message).toMatch(/^payload: /);
  });
});
