import { describe, expect, it } from 'vitest';
import { loginRequestSchema } from './auth.js';

describe('login request', () => {
  it('names the missing field', () => {
    const result = loginRequestSchema.safeParse({ login: 'agent1' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['password']);
  });
});
