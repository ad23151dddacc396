export { loadConfig, testConfig, ConfigError } from './config.js';
export type { AppConfig, ConfigProblem, DeepPartial, LoadConfigOptions } from './config.js';
