// The service's configuration: environment variables only, validated once, frozen.
export { ConfigError, type ConfigProblem } from './errors.ts';
export { loadConfig, redactConfig, SECRET_VARIABLES, type LoadOptions } from './load.ts';
export { configTable } from './table.ts';
export type { BucketSettings, Config, GcpEndpoint, LogLevel } from './types.ts';
export { CONFIG_VARIABLES, type VariableSpec } from './variables.ts';
