import type { AppConfig } from '../config/config.js';
import { DEMO_USERS, DEMO_PASSWORD } from '../seed/demo-users.js';

export interface BannerFacts {
  config: AppConfig;
  url: string;
  mongoUrl: string;
  amiTarget: string | null;
  isSeeded: boolean;
}

/** The start log a newcomer reads: what runs embedded, where data lives, the URL, how to log in. */
export function startBanner({ config, url, mongoUrl, amiTarget, isSeeded }: BannerFacts): string {
  const lines: string[] = [];
  lines.push(`Call-center CRM is running at ${url}`);
  lines.push(`  Agent console:        ${url}/        (login page ${url}/login)`);
  lines.push(`  Supervisor dashboard: ${url}/supervisor/   Admin: ${url}/supervisor/admin`);
  lines.push(`  Health: ${url}/healthz   Metrics: ${url}/metrics`);
  lines.push('');
  lines.push(
    config.mongo.url === null
      ? `  MongoDB:   EMBEDDED store at ${mongoUrl}, data in ${config.dataDir}/mongo  (set MONGO_URL=mongodb://host:27017/crm for a real MongoDB)`
      : `  MongoDB:   external (${redactUrl(config.mongo.url)}), database ${config.mongo.dbName}`,
  );
  lines.push(
    config.redis.url === null
      ? '  Live state: in memory, single instance  (set REDIS_URL=redis://host:6379 to share it between instances)'
      : `  Live state: Redis (${redactUrl(config.redis.url)})`,
  );
  lines.push(
    config.ami.host === null
      ? `  Telephony: built-in PBX SIMULATOR${amiTarget ? ` (AMI on ${amiTarget})` : ' (not started in this build)'}  (set AMI_HOST, AMI_PORT, AMI_USER, AMI_SECRET for a real Asterisk)`
      : `  Telephony: Asterisk AMI at ${config.ami.host}:${config.ami.port} as ${config.ami.username}`,
  );
  if (config.seedDemo) {
    lines.push('');
    lines.push(`  Demo logins (password "${DEMO_PASSWORD}")${isSeeded ? ', seeded just now' : ''}:`);
    lines.push(`    ${DEMO_USERS.map((user) => `${user.login} (${user.role}${user.extension ? ` ${user.extension}` : ''})`).join(', ')}`);
  }
  return lines.join('\n');
}

/** Never print credentials that may be part of a connection string. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
