import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

/**
 * The whole server configuration, built once at boot from environment variables (DESIGN §5).
 * No other module reads `process.env`: `main.ts` calls `loadConfig(process.env)` and hands the
 * typed object to everything else.
 */
export interface AppConfig {
  env: 'development' | 'production' | 'test';
  http: { port: number; host: string; trustProxy: boolean; bodyLimit: string };
  /** `url: null` → start the embedded MongoDB-wire-compatible store under `dataDir`. */
  mongo: { url: string | null; dbName: string };
  /** `url: null` → in-memory live state (single instance). */
  redis: { url: string | null };
  /** `host: null` → start the built-in PBX simulator and connect to it. */
  ami: {
    host: string | null;
    port: number;
    username: string;
    secret: string;
    /** Matches an AMI interface/member name to an agent extension (first capture group); null → telephony's default. */
    agentInterfacePattern: RegExp | null;
  };
  /** Absolute path where the embedded store (and anything else local) keeps its files. */
  dataDir: string;
  /** Seed demo users, queues and contacts into an empty database. */
  seedDemo: boolean;
  company: { defaultCountry: string; timezone: string };
  auth: { sessionTtlHours: number; loginMaxFailures: number; loginLockMinutes: number };
  log: { level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'; pretty: boolean };
  /** How often open sockets re-check their session (expired, revoked, disabled → disconnected). */
  realtime: { sessionRecheckMs: number };
}

export interface ConfigProblem {
  variable: string;
  expected: string;
}

export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map(({ variable, expected }) => `  - ${variable}: ${expected}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** Secrets are never echoed back, whatever zod would say about them. */
const SECRET_VARIABLES = new Set(['AMI_SECRET']);

const DEFAULT_SIMULATOR_USER = 'crm';
const DEFAULT_SIMULATOR_SECRET = 'crm-secret';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalString = (expected: string, check: (value: string) => boolean = () => true) =>
  z.preprocess(blankToUndefined, z.string().trim().refine(check, expected).optional());

const intInRange = (min: number, max: number, fallback: number) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d+$/, `expected an integer from ${min} to ${max}`)
      .transform(Number)
      .refine((value) => value >= min && value <= max, `expected an integer from ${min} to ${max}`)
      .optional()
      .transform((value) => value ?? fallback),
  );

const TRUE_WORDS = ['true', '1', 'yes', 'on'];
const FALSE_WORDS = ['false', '0', 'no', 'off'];
const booleanFlag = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => TRUE_WORDS.includes(value) || FALSE_WORDS.includes(value), 'expected true or false')
    .transform((value) => TRUE_WORDS.includes(value))
    .optional(),
);

function isUrlWithScheme(value: string, schemes: string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isPatternWithGroup(value: string): boolean {
  try {
    // A pattern with at least one capture group matches the empty alternative's group count.
    return new RegExp(`${value}|`).exec('')!.length > 1;
  } catch {
    return false;
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const envSchema = z.object({
  NODE_ENV: z.preprocess(
    blankToUndefined,
    z.enum(['development', 'production', 'test'], 'expected development, production or test').optional(),
  ),
  PORT: intInRange(0, 65535, 3000),
  HOST: optionalString('expected a host name or IP address to listen on'),
  TRUST_PROXY: booleanFlag,
  MONGO_URL: optionalString('expected a MongoDB connection string (mongodb://host:27017/crm or mongodb+srv://…)', (value) =>
    isUrlWithScheme(value, ['mongodb:', 'mongodb+srv:']),
  ),
  MONGO_DB: optionalString('expected a database name (letters, digits, _ and -)', (value) =>
    /^[A-Za-z0-9_-]{1,63}$/.test(value),
  ),
  REDIS_URL: optionalString('expected a Redis URL (redis://host:6379 or rediss://…)', (value) =>
    isUrlWithScheme(value, ['redis:', 'rediss:']),
  ),
  AMI_HOST: optionalString('expected the Asterisk host name or IP address', (value) => /^[A-Za-z0-9.:_-]+$/.test(value)),
  AMI_PORT: intInRange(1, 65535, 5038),
  AMI_USER: optionalString('expected the AMI user name from manager.conf'),
  AMI_SECRET: z.preprocess(blankToUndefined, z.string().optional()),
  AGENT_INTERFACE_PATTERN: optionalString(
    'expected a regular expression with a capture group for the extension, e.g. ^PJSIP/(\\d+)$',
    isPatternWithGroup,
  ),
  DATA_DIR: optionalString('expected a directory path'),
  SEED_DEMO: booleanFlag,
  COMPANY_COUNTRY: optionalString('expected a two-letter ISO country code such as RU', (value) =>
    /^[A-Za-z]{2}$/.test(value),
  ),
  COMPANY_TIMEZONE: optionalString('expected an IANA time zone such as Europe/Moscow', isTimeZone),
  SESSION_TTL_HOURS: intInRange(1, 24 * 90, 12),
  LOGIN_MAX_FAILURES: intInRange(1, 1000, 10),
  LOGIN_LOCK_MINUTES: intInRange(1, 24 * 60, 15),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(LOG_LEVELS, `expected one of ${LOG_LEVELS.join(', ')}`).optional(),
  ),
  LOG_PRETTY: booleanFlag,
});

export interface LoadConfigOptions {
  /** Where relative paths such as DATA_DIR resolve from (the process's working directory). */
  cwd: string;
  /** Whether stdout is a terminal (pretty logs by default then). */
  isTty?: boolean;
}

function databaseFromUrl(url: string): string | null {
  try {
    const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
    return name === '' ? null : name;
  } catch {
    return null;
  }
}

/**
 * Builds the configuration from environment variables, or throws ConfigError listing every
 * problem at once (variable and what is expected; never the value of a secret).
 */
export function loadConfig(env: Record<string, string | undefined>, { cwd, isTty = false }: LoadConfigOptions): AppConfig {
  const parsed = envSchema.safeParse(env);
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? 'environment');
      const expected = SECRET_VARIABLES.has(variable) ? 'expected a non-empty secret' : issue.message;
      if (!problems.some((problem) => problem.variable === variable)) problems.push({ variable, expected });
    }
  }
  // Checks across variables run on the raw values, so they are listed with every other problem.
  const isSet = (name: string) => typeof env[name] === 'string' && env[name].trim() !== '';
  if (isSet('AMI_HOST') && !isSet('AMI_SECRET')) {
    problems.push({ variable: 'AMI_SECRET', expected: 'required when AMI_HOST is set (the secret from manager.conf)' });
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const vars = parsed.data;
  const mongoUrl = vars.MONGO_URL ?? null;
  const dataDir = vars.DATA_DIR ?? './data';
  return {
    env: vars.NODE_ENV ?? 'development',
    http: { port: vars.PORT, host: vars.HOST ?? '0.0.0.0', trustProxy: vars.TRUST_PROXY ?? false, bodyLimit: '1mb' },
    mongo: { url: mongoUrl, dbName: vars.MONGO_DB ?? (mongoUrl ? databaseFromUrl(mongoUrl) : null) ?? 'crm' },
    redis: { url: vars.REDIS_URL ?? null },
    ami: {
      host: vars.AMI_HOST ?? null,
      port: vars.AMI_PORT,
      username: vars.AMI_USER ?? DEFAULT_SIMULATOR_USER,
      secret: vars.AMI_SECRET ?? DEFAULT_SIMULATOR_SECRET,
      agentInterfacePattern: vars.AGENT_INTERFACE_PATTERN ? new RegExp(vars.AGENT_INTERFACE_PATTERN, 'i') : null,
    },
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
    seedDemo: vars.SEED_DEMO ?? mongoUrl === null,
    company: { defaultCountry: (vars.COMPANY_COUNTRY ?? 'RU').toUpperCase(), timezone: vars.COMPANY_TIMEZONE ?? 'Europe/Moscow' },
    auth: {
      sessionTtlHours: vars.SESSION_TTL_HOURS,
      loginMaxFailures: vars.LOGIN_MAX_FAILURES,
      loginLockMinutes: vars.LOGIN_LOCK_MINUTES,
    },
    log: { level: vars.LOG_LEVEL ?? (vars.NODE_ENV === 'test' ? 'warn' : 'info'), pretty: vars.LOG_PRETTY ?? isTty },
    realtime: { sessionRecheckMs: 60_000 },
  };
}

/** A complete configuration for tests and tools, with the embedded defaults; override what matters. */
export function testConfig(overrides: DeepPartial<AppConfig> = {}): AppConfig {
  const base = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1' }, { cwd: process.cwd() });
  return mergeDeep(base, overrides);
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

function mergeDeep<T>(base: T, overrides: DeepPartial<T>): T {
  const result: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(overrides as Record<string, unknown>)) {
    if (value === undefined) continue;
    const current = result[key];
    result[key] =
      value !== null && typeof value === 'object' && !Array.isArray(value) && current !== null && typeof current === 'object'
        ? mergeDeep(current, value as DeepPartial<typeof current>)
        : value;
  }
  return result as T;
}
