import bcrypt from 'bcryptjs';

const ROUNDS = 10;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, ROUNDS);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A hash of a password nobody has, compared when the login does not exist, so that a wrong login
 * and a wrong password take the same time to answer.
 */
let dummyHash: Promise<string> | null = null;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= bcrypt.hash('not-a-real-password', ROUNDS);
  await bcrypt.compare(password, await dummyHash);
  return false;
}
