// loadConfig: the environment → a validated, frozen Config. Runs once at start; any bad variable
// stops the service with the variable's name and what it should be.
import { resolveTopics } from '../contract/topics.ts';
import type { KafkaSecurity, SaslMechanism, SecurityProtocol } from '../streams/kafka/security.ts';
import { withClowder } from './clowder.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { validateEnvironment } from './schema.ts';
import type { Provider } from '../domain/types.ts';
import type { Config, GcpEndpoint, LogLevel } from './types.ts';
import { CONFIG_VARIABLES, type VariableSpec } from './variables.ts';

const SPECS = new Map(CONFIG_VARIABLES.map((v) => [v.name, v]));
export const SECRET_VARIABLES: readonly string[] = CONFIG_VARIABLES.filter((v) => v.secret).map((v) => v.name);

export interface LoadOptions {
  /** variables this process cannot run without, e.g. `['SOURCES_URL']` for the worker */
  require?: readonly string[];
}

function describeBad(spec: VariableSpec, raw: string): string {
  // A secret may be pasted in the wrong variable too: only ever echo non-secret values.
  const got = spec.secret ? '' : `, got ${JSON.stringify(raw.length > 200 ? `${raw.slice(0, 200)}…` : raw)}`;
  return `${spec.name} must be ${spec.expects}${got}`;
}

function parseGcpEndpoint(value: string): GcpEndpoint {
  if (/^https?:\/\//.test(value)) {
    const url = new URL(value);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
  }
  const at = value.lastIndexOf(':');
  return { host: value.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(value.slice(at + 1)), protocol: 'https' };
}

const REQUIRED_PERMISSIONS: Record<Provider, string> = { aws: 'AWS_REQUIRED_PERMISSIONS', azure: 'AZURE_REQUIRED_PERMISSIONS', gcp: 'GCP_REQUIRED_PERMISSIONS' };
const list = (value: string): string[] => [...new Set(value.split(','))];
const permissionChecked = (value: string): Provider[] => (value === 'off' ? [] : [...new Set(value.split(',') as Provider[])]);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// Rules that span variables: half a credential is a mistake, not a choice.
function crossChecks(env: Record<string, string | number>, problems: ConfigProblem[]): void {
  const set = (name: string) => env[name] !== undefined;
  const allOrNone = (names: string[]) => {
    const given = names.filter(set);
    if (given.length > 0 && given.length < names.length) {
      const missing = names.filter((n) => !set(n));
      problems.push({ variable: missing[0]!, message: `${missing.join(', ')} must be set together with ${given.join(', ')}` });
    }
  };
  allOrNone(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  // projects.testIamPermissions takes at most 100 permissions in one call
  const gcpPermissions = env.GCP_REQUIRED_PERMISSIONS;
  if (typeof gcpPermissions === 'string' && list(gcpPermissions).length > 100) {
    problems.push({ variable: 'GCP_REQUIRED_PERMISSIONS', message: `GCP_REQUIRED_PERMISSIONS must list at most 100 permissions, got ${list(gcpPermissions).length}` });
  }
  kafkaSecurityChecks(env, problems);
  allOrNone(['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);
  const topicVars = ['TOPIC_REQUESTS', 'TOPIC_PRIORITY', 'TOPIC_STATUS', 'TOPIC_DEAD_LETTER'];
  const seen = new Map<unknown, string>();
  for (const name of topicVars) {
    const other = seen.get(env[name]);
    if (other !== undefined) problems.push({ variable: name, message: `${name} must differ from ${other} (both are ${JSON.stringify(env[name])})` });
    else seen.set(env[name], name);
  }
}

// The Kafka security variables only make sense together: SASL settings need a sasl_* protocol
// (and all three of them), TLS files need ssl or sasl_ssl, a client certificate needs its key.
// A setting that would be silently ignored is an error, not a surprise in production.
function kafkaSecurityChecks(env: Record<string, string | number>, problems: ConfigProblem[]): void {
  const protocol = env.KAFKA_SECURITY_PROTOCOL as SecurityProtocol | undefined;
  const given = (names: string[]) => names.filter((n) => env[n] !== undefined);
  const securityVars = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_KEY_PASSWORD'];
  if (env.KAFKA_BROKERS === undefined) {
    const stray = given(protocol !== 'plaintext' ? ['KAFKA_SECURITY_PROTOCOL', ...securityVars] : securityVars);
    if (stray.length > 0) problems.push({ variable: stray[0]!, message: `${stray.join(', ')} apply to Kafka clients: set KAFKA_BROKERS too (without it the service runs on its embedded log)` });
    return;
  }
  if (protocol === undefined) return; // reported by the schema
  const sasl = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
  if (protocol.startsWith('sasl_')) {
    const missing = sasl.filter((n) => env[n] === undefined);
    if (missing.length > 0) problems.push({ variable: missing[0]!, message: `${missing.join(', ')} must be set with KAFKA_SECURITY_PROTOCOL=${protocol}` });
  } else {
    const stray = given(sasl);
    if (stray.length > 0) problems.push({ variable: stray[0]!, message: `${stray.join(', ')} need KAFKA_SECURITY_PROTOCOL sasl_plaintext or sasl_ssl (it is ${protocol})` });
  }
  const tls = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_KEY_PASSWORD'];
  if (protocol !== 'ssl' && protocol !== 'sasl_ssl') {
    const stray = given(tls);
    if (stray.length > 0) problems.push({ variable: stray[0]!, message: `${stray.join(', ')} need KAFKA_SECURITY_PROTOCOL ssl or sasl_ssl (it is ${protocol})` });
    return;
  }
  const [cert, key] = [env.KAFKA_SSL_CERT_FILE !== undefined, env.KAFKA_SSL_KEY_FILE !== undefined];
  if (cert !== key) problems.push({ variable: cert ? 'KAFKA_SSL_KEY_FILE' : 'KAFKA_SSL_CERT_FILE', message: 'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE must be set together (mutual TLS)' });
  if (env.KAFKA_SSL_KEY_PASSWORD !== undefined && !key) problems.push({ variable: 'KAFKA_SSL_KEY_PASSWORD', message: 'KAFKA_SSL_KEY_PASSWORD needs KAFKA_SSL_KEY_FILE' });
}

function kafkaSecurity(env: Record<string, string | number>): KafkaSecurity {
  const optional = (name: string) => env[name] as string | undefined;
  const protocol = env.KAFKA_SECURITY_PROTOCOL as SecurityProtocol;
  const security: KafkaSecurity = { protocol };
  if (protocol.startsWith('sasl_')) {
    security.sasl = { mechanism: env.KAFKA_SASL_MECHANISM as SaslMechanism, username: optional('KAFKA_SASL_USERNAME')!, password: optional('KAFKA_SASL_PASSWORD')! };
  }
  if (protocol === 'ssl' || protocol === 'sasl_ssl') {
    const tls = { caFile: optional('KAFKA_SSL_CA_FILE'), certFile: optional('KAFKA_SSL_CERT_FILE'), keyFile: optional('KAFKA_SSL_KEY_FILE'), keyPassword: optional('KAFKA_SSL_KEY_PASSWORD') };
    security.tls = Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
  }
  return security;
}

function build(env: Record<string, string | number>): Config {
  const str = (name: string) => env[name] as string;
  const optional = (name: string) => env[name] as string | undefined;
  const num = (name: string) => env[name] as number;
  const gcpEndpoint = optional('GCP_PROJECT_ENDPOINT');
  return {
    http: { host: str('HOST'), port: num('PORT'), metricsPort: num('METRICS_PORT') },
    logLevel: str('LOG_LEVEL') as LogLevel,
    kafka: { brokers: optional('KAFKA_BROKERS'), clientId: str('KAFKA_CLIENT_ID'), groupId: str('KAFKA_GROUP_ID'), security: kafkaSecurity(env) },
    topics: resolveTopics({
      requests: str('TOPIC_REQUESTS'), priority: str('TOPIC_PRIORITY'), status: str('TOPIC_STATUS'), deadLetter: str('TOPIC_DEAD_LETTER'),
    }),
    cache: { ttlSeconds: num('CACHE_TTL_SECONDS') },
    sources: { url: optional('SOURCES_URL')?.replace(/\/+$/, ''), timeoutMs: num('SOURCES_TIMEOUT_MS') },
    checks: { timeoutMs: num('CHECK_TIMEOUT_MS'), maxAttempts: num('CHECK_MAX_ATTEMPTS'), concurrencyPerProvider: num('CHECK_CONCURRENCY') },
    rateLimits: {
      aws: { ratePerSec: num('AWS_RATE_PER_SEC'), burst: num('AWS_BURST') },
      azure: { ratePerSec: num('AZURE_RATE_PER_SEC'), burst: num('AZURE_BURST') },
      gcp: { ratePerSec: num('GCP_RATE_PER_SEC'), burst: num('GCP_BURST') },
      iam: { ratePerSec: num('IAM_RATE_PER_SEC'), burst: num('IAM_BURST') },
      account: { ratePerSec: num('ACCOUNT_RATE_PER_SEC'), burst: num('ACCOUNT_BURST') },
    },
    permissions: {
      required: Object.fromEntries(permissionChecked(str('PERMISSION_CHECK')).map((provider) => [provider, list(str(REQUIRED_PERMISSIONS[provider]))])),
      missingStatus: str('PERMISSIONS_STATUS') as Config['permissions']['missingStatus'],
    },
    ingress: {
      orgRatePerSec: num('INGRESS_ORG_RATE_PER_SEC'),
      orgBurst: num('INGRESS_ORG_BURST'),
      bodyLimitBytes: num('INGRESS_BODY_LIMIT_BYTES'),
      publishTimeoutMs: num('INGRESS_PUBLISH_TIMEOUT_MS'),
    },
    aws: {
      region: str('AWS_REGION'),
      accessKeyId: optional('AWS_ACCESS_KEY_ID'),
      secretAccessKey: optional('AWS_SECRET_ACCESS_KEY'),
      endpointUrlSts: optional('AWS_ENDPOINT_URL_STS'),
      endpointUrlIam: optional('AWS_ENDPOINT_URL_IAM'),
      roleSessionName: str('AWS_ROLE_SESSION_NAME'),
    },
    azure: {
      tenantId: optional('AZURE_TENANT_ID'),
      clientId: optional('AZURE_CLIENT_ID'),
      clientSecret: optional('AZURE_CLIENT_SECRET'),
      authorityHost: optional('AZURE_AUTHORITY_HOST'),
      armEndpoint: optional('AZURE_ARM_ENDPOINT'),
      caFile: optional('AZURE_CA_FILE'),
    },
    gcp: {
      projectEndpoint: gcpEndpoint === undefined ? undefined : parseGcpEndpoint(gcpEndpoint),
      credentialsFile: optional('GCP_CREDENTIALS_FILE'),
    },
  };
}

/**
 * Reads every variable of CONFIG_VARIABLES from `env` (over Clowder's configuration when
 * ACG_CONFIG is set, see withClowder), validates them once (an empty value counts
 * as unset, so the default applies) and returns the deeply frozen Config. Throws ConfigError
 * naming every bad variable and what it should be; secret values are never echoed.
 * @example const config = loadConfig(process.env, { require: ['SOURCES_URL'] });
 */
export function loadConfig(given: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const env = withClowder(given);
  const flat: Record<string, string | number> = {};
  for (const spec of CONFIG_VARIABLES) {
    const raw = env[spec.name]?.trim();
    if (raw !== undefined && raw !== '') flat[spec.name] = raw;
  }
  const problems: ConfigProblem[] = [];
  for (const name of options.require ?? []) {
    if (!SPECS.has(name)) throw new Error(`loadConfig: unknown required variable ${name}`);
    if (flat[name] === undefined) problems.push({ variable: name, message: `${name} is required: ${SPECS.get(name)!.meaning}` });
  }
  if (!validateEnvironment(flat)) {
    const reported = new Set<string>();
    for (const error of validateEnvironment.errors ?? []) {
      const name = error.instancePath.split('/')[1] ?? '';
      const spec = SPECS.get(name);
      if (!spec || reported.has(name)) continue;
      reported.add(name);
      problems.push({ variable: name, message: describeBad(spec, env[name]?.trim() ?? '') });
    }
  }
  crossChecks(flat, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(build(flat));
}

/**
 * The config with every secret replaced by "<redacted>", for a start-up log line.
 * @example logger.info({ config: redactConfig(config) }, 'starting')
 */
export function redactConfig(config: Config): unknown {
  const redact = (value: string | undefined) => (value === undefined ? undefined : '<redacted>');
  const { sasl, tls } = config.kafka.security;
  const security = {
    ...config.kafka.security,
    ...(sasl ? { sasl: { ...sasl, password: '<redacted>' } } : {}),
    ...(tls ? { tls: { ...tls, keyPassword: redact(tls.keyPassword) } } : {}),
  };
  return {
    ...config,
    kafka: { ...config.kafka, security },
    aws: { ...config.aws, accessKeyId: redact(config.aws.accessKeyId), secretAccessKey: redact(config.aws.secretAccessKey) },
    azure: { ...config.azure, clientSecret: redact(config.azure.clientSecret) },
  };
}
