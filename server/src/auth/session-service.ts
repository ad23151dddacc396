import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { User } from '@crm/shared';
import type { Clock } from '../platform/clock.js';
import type { UserRepository } from '../users/user.repository.js';
import { sessionModel } from './session.model.js';

export const SESSION_COOKIE = 'crm_session';

/**
 * Sessions expire after `ttlHours` without use (an idle timeout), not in the middle of a shift:
 * a session used when less than half its lifetime is left is extended to a full lifetime.
 */
const RENEW_WHEN_LEFT = 0.5;

export interface StartedSession {
  token: string;
  expiresAt: Date;
}

export interface SessionService {
  /** Starts a session for a user who just proved who they are. */
  start(userId: string, meta?: { userAgent?: string | null; ip?: string | null }): Promise<StartedSession>;
  /** The active, enabled user behind a token, or null (unknown, expired, revoked, disabled). */
  resolve(token: string): Promise<User | null>;
  end(token: string): Promise<void>;
  /** Revokes every session of a user (disabled, password changed), except `keepToken`'s. */
  endAllFor(userId: string, options?: { keepToken?: string }): Promise<void>;
  readonly ttlMs: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function createSessionService({
  connection,
  users,
  clock,
  ttlHours,
}: {
  connection: Connection;
  users: UserRepository;
  clock: Clock;
  ttlHours: number;
}): SessionService {
  const Sessions = sessionModel(connection);
  const ttlMs = ttlHours * 3_600_000;

  return {
    ttlMs,
    async start(userId, meta = {}) {
      const token = randomBytes(32).toString('base64url');
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttlMs);
      await Sessions.create({
        tokenHash: hashToken(token),
        userId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
        ip: meta.ip ?? null,
      });
      return { token, expiresAt };
    },
    async resolve(token) {
      if (!token || token.length > 200) return null;
      const tokenHash = hashToken(token);
      const session = await Sessions.findOne({ tokenHash }).lean();
      if (!session) return null;
      const now = clock.now();
      // The TTL index removes expired sessions eventually; until then they are already dead.
      if (session.expiresAt.getTime() <= now.getTime()) return null;
      const user = await users.findById(String(session.userId));
      if (!user || user.disabled) return null;
      if (session.expiresAt.getTime() - now.getTime() < ttlMs * RENEW_WHEN_LEFT) {
        await Sessions.updateOne({ tokenHash }, { $set: { lastSeenAt: now, expiresAt: new Date(now.getTime() + ttlMs) } });
      }
      return user;
    },
    async end(token) {
      await Sessions.deleteOne({ tokenHash: hashToken(token) });
    },
    async endAllFor(userId, { keepToken } = {}) {
      await Sessions.deleteMany(keepToken ? { userId, tokenHash: { $ne: hashToken(keepToken) } } : { userId });
    },
  };
}
