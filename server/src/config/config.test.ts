import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const load = (env: Record<string, string | undefined>) => loadConfig(env, { cwd: '/srv/crm' });

function problemsOf(env: Record<string, string | undefined>) {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration from the environment', () => {
  it('runs everything embedded when nothing is set', () => {
    const config = load({});
    expect(config.http.port).toBe(3000);
    expect(config.mongo).toEqual({ url: null, dbName: 'crm' });
    expect(config.redis.url).toBeNull();
    expect(config.ami).toEqual({ host: null, port: 5038, username: 'crm', secret: 'crm-secret', agentInterfacePattern: null });
    expect(config.dataDir).toBe('/srv/crm/data');
    expect(config.seedDemo).toBe(true);
    expect(config.company).toEqual({ defaultCountry: 'RU', timezone: 'Europe/Moscow' });
  });

  it('switches to real services and stops seeding demo data by default', () => {
    const config = load({
      PORT: '8080',
      MONGO_URL: 'mongodb://mongo:27017/callcenter',
      REDIS_URL: 'redis://redis:6379',
      AMI_HOST: 'asterisk',
      AMI_PORT: '5039',
      AMI_USER: 'crm',
      AMI_SECRET: 's3cret',
      DATA_DIR: '/var/lib/crm',
    });
    expect(config.http.port).toBe(8080);
    expect(config.mongo).toEqual({ url: 'mongodb://mongo:27017/callcenter', dbName: 'callcenter' });
    expect(config.redis.url).toBe('redis://redis:6379');
    expect(config.ami).toMatchObject({ host: 'asterisk', port: 5039, username: 'crm', secret: 's3cret' });
    expect(config.dataDir).toBe('/var/lib/crm');
    expect(config.seedDemo).toBe(false);
  });

  it('takes a custom pattern that maps AMI interfaces to extensions', () => {
    const { agentInterfacePattern } = load({ AGENT_INTERFACE_PATTERN: '^PJSIP/agent-(\\d+)$' }).ami;
    expect(agentInterfacePattern?.exec('PJSIP/agent-1001')?.[1]).toBe('1001');
    expect(problemsOf({ AGENT_INTERFACE_PATTERN: '^PJSIP/\\d+$' }).problems[0]?.variable).toBe('AGENT_INTERFACE_PATTERN');
    expect(problemsOf({ AGENT_INTERFACE_PATTERN: '([' }).problems[0]?.variable).toBe('AGENT_INTERFACE_PATTERN');
  });

  it('lets SEED_DEMO override the default either way', () => {
    expect(load({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
    expect(load({ MONGO_URL: 'mongodb://db/crm', SEED_DEMO: 'yes' }).seedDemo).toBe(true);
  });

  it('treats blank variables as unset', () => {
    expect(load({ PORT: '', MONGO_URL: '  ' }).http.port).toBe(3000);
    expect(load({ MONGO_URL: '  ' }).mongo.url).toBeNull();
  });

  it('lists every bad variable at once with what is expected', () => {
    const error = problemsOf({
      PORT: 'eighty',
      MONGO_URL: 'postgres://db',
      REDIS_URL: 'localhost:6379',
      AMI_PORT: '70000',
      SEED_DEMO: 'maybe',
      COMPANY_TIMEZONE: 'Mars/Olympus',
    });
    expect(error.problems.map((problem) => problem.variable).sort()).toEqual(
      ['AMI_PORT', 'COMPANY_TIMEZONE', 'MONGO_URL', 'PORT', 'REDIS_URL', 'SEED_DEMO'].sort(),
    );
    expect(error.message).toContain('PORT: expected an integer from 0 to 65535');
    expect(error.message).toContain('SEED_DEMO: expected true or false');
    expect(error.message).toContain('MONGO_URL: expected a MongoDB connection string');
  });

  it('asks for the AMI secret with a real Asterisk and never prints a secret', () => {
    const missing = problemsOf({ AMI_HOST: 'pbx.local' });
    expect(missing.problems).toEqual([{ variable: 'AMI_SECRET', expected: expect.stringContaining('required when AMI_HOST') }]);

    const withBadPort = problemsOf({ AMI_HOST: 'pbx.local', AMI_SECRET: 'hunter2-very-secret', AMI_PORT: 'x' });
    expect(withBadPort.message).not.toContain('hunter2-very-secret');
  });
});
