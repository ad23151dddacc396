import {
  companySettingsSchema,
  DEFAULT_COMPANY_SETTINGS,
  type CompanySettings,
  type UpdateCompanySettingsRequest,
} from '@crm/shared';
import type { Connection } from 'mongoose';
import { AppError } from '../http/app-error.js';
import { describeIssues } from '../http/validate.js';
import { companySettingsModel } from './settings.model.js';

const DOCUMENT_ID = 'company';

export interface SettingsRepository {
  /** The company settings, defaults filled in for anything never set. */
  get(): Promise<CompanySettings>;
  /** The copy in memory, without waiting (null before the first read); an aged copy starts a refresh. */
  peek(): CompanySettings | null;
  /** Applies a validated partial change; the whole result must still be valid. */
  update(change: UpdateCompanySettingsRequest): Promise<CompanySettings>;
}

/**
 * Settings are read on every screen-pop, so they are kept in memory: a change made through this
 * repository is visible at once. Once the copy is older than `cacheMs` it is still answered (a ring
 * never waits for the database) while one read refreshes it, so a change made by another instance
 * shows within `cacheMs` and a read.
 */
export function createSettingsRepository(connection: Connection, { cacheMs = 5_000, now = Date.now } = {}): SettingsRepository {
  const Settings = companySettingsModel(connection);
  let cached: { value: CompanySettings; at: number } | null = null;
  let refreshing: Promise<CompanySettings> | null = null;

  async function load(): Promise<CompanySettings> {
    const doc = await Settings.findById(DOCUMENT_ID).lean<{ settings?: Partial<CompanySettings> }>();
    const merged = { ...DEFAULT_COMPANY_SETTINGS, ...(doc?.settings ?? {}) };
    const parsed = companySettingsSchema.safeParse(merged);
    // A stored value that no longer validates (schema grew stricter) falls back to the defaults for those fields.
    if (parsed.success) return parsed.data;
    const broken = new Set(parsed.error.issues.map((issue) => String(issue.path[0])));
    const repaired = Object.fromEntries(
      Object.entries(merged).map(([key, value]) => [key, broken.has(key) ? DEFAULT_COMPANY_SETTINGS[key as keyof CompanySettings] : value]),
    );
    return companySettingsSchema.parse(repaired);
  }

  /** The copy in memory, refreshed by one read once aged; only the very first call waits for it. */
  function read(): Promise<CompanySettings> {
    const isFresh = cached !== null && now() - cached.at < cacheMs;
    if (!isFresh && !refreshing) {
      const started = now();
      refreshing = load()
        .then((value) => {
          // An update made while this read was under way is newer than what it read.
          if (!cached || cached.at <= started) cached = { value, at: started };
          return cached.value;
        })
        .finally(() => {
          refreshing = null;
        });
    }
    if (cached) {
      // A failed refresh keeps the copy; the next call tries again.
      refreshing?.catch(() => undefined);
      return Promise.resolve(cached.value);
    }
    return refreshing as Promise<CompanySettings>;
  }

  return {
    get: read,
    peek() {
      if (!cached) return null;
      void read();
      return cached.value;
    },
    async update(change) {
      const current = await load();
      const next = companySettingsSchema.safeParse({ ...current, ...change });
      if (!next.success) {
        const fields = describeIssues(next.error.issues);
        throw AppError.validation(fields.map(({ field, message }) => `${field}: ${message}`).join('; '), { fields });
      }
      await Settings.updateOne({ _id: DOCUMENT_ID }, { $set: { settings: next.data } }, { upsert: true });
      cached = { value: next.data, at: now() };
      return next.data;
    },
  };
}

const perConnection = new WeakMap<Connection, SettingsRepository>();

/** The one settings repository of a connection, so every domain sees an admin's change at once. */
export function settingsRepositoryFor(connection: Connection): SettingsRepository {
  let repository = perConnection.get(connection);
  if (!repository) {
    repository = createSettingsRepository(connection);
    perConnection.set(connection, repository);
  }
  return repository;
}
