/**
 * `npm run pbx-sim -- --port 5038 [--host 127.0.0.1] [--username crm] [--secret crm-secret]
 *  [--calls-per-minute 2] [--internal-calls-per-minute 0] [--time-scale 1] [--no-traffic] [--load <calls per second>]`
 */
import { parseArgs } from 'node:util';
import pino from 'pino';
import { startPbxSimulator } from './index.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5038' },
    host: { type: 'string', default: '127.0.0.1' },
    username: { type: 'string', default: 'crm' },
    secret: { type: 'string', default: 'crm-secret' },
    'calls-per-minute': { type: 'string', default: '2' },
    /** Demo agents calling each other's extensions. */
    'internal-calls-per-minute': { type: 'string', default: '0' },
    'time-scale': { type: 'string', default: '1' },
    'no-traffic': { type: 'boolean', default: false },
    load: { type: 'string' },
  },
});

const logger = pino({ name: 'pbx-sim' });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  logger.error(`--port must be a TCP port, got ${values.port}`);
  process.exit(2);
}
const simulator = await startPbxSimulator({
  port,
  host: values.host,
  username: values.username,
  secret: values.secret,
  logger,
  timeScale: Number(values['time-scale']) || 1,
  traffic: {
    enabled: !values['no-traffic'],
    callsPerMinute: Number(values['calls-per-minute']) || 2,
    internalCallsPerMinute: Number(values['internal-calls-per-minute']) || 0,
    firstCallAfterSeconds: 5,
  },
});
logger.info(`PBX simulator: AMI on ${simulator.host}:${simulator.port}, user ${values.username}`);
if (values.load) {
  const callsPerSecond = Number(values.load);
  if (!(callsPerSecond > 0)) {
    logger.error(`--load must be a positive number of calls per second, got ${values.load}`);
    process.exit(2);
  }
  simulator.startLoad(callsPerSecond);
  logger.info(`load mode: ${callsPerSecond} inbound calls per (simulated) second`);
}
const shutdown = () => {
  void simulator.close().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
