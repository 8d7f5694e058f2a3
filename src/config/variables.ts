// Every environment variable the service reads, in one list: name, JSON schema, default, meaning.
// The loader validates against it and the README table is generated from it, so the two cannot
// drift. Order here is the order of the README table.
import { DEFAULT_TOPICS } from '../contract/topics.ts';
import { DEFAULT_AWS_PERMISSIONS, DEFAULT_AZURE_PERMISSIONS, DEFAULT_GCP_PERMISSIONS } from './required-permissions.ts';
import { SASL_MECHANISMS, SECURITY_PROTOCOLS } from '../streams/kafka/security.ts';

export interface VariableSpec {
  name: string;
  /** JSON schema of the value after coercion from the environment string */
  schema: Record<string, unknown>;
  /** used when the variable is unset or empty; none = stays unset */
  default?: string | number;
  meaning: string;
  /** what a valid value looks like, for the error message */
  expects: string;
  /** never echoed in an error, a log line or the table */
  secret?: boolean;
  /** what the README table shows instead of a default too long for it */
  shownDefault?: string;
}

const port = (name: string, def: number, meaning: string): VariableSpec => ({
  name, default: def, meaning, schema: { type: 'integer', minimum: 0, maximum: 65535 }, expects: 'an integer port from 0 to 65535 (0: any free port)',
});
const integer = (name: string, def: number | undefined, min: number, max: number, meaning: string): VariableSpec => ({
  name, meaning, schema: { type: 'integer', minimum: min, maximum: max }, expects: `an integer from ${min} to ${max}`,
  ...(def === undefined ? {} : { default: def }),
});
const rate = (name: string, def: number, meaning: string): VariableSpec => ({
  name, default: def, meaning, schema: { type: 'number', exclusiveMinimum: 0, maximum: 1e6 }, expects: 'a number greater than 0 (per second)',
});
const burst = (name: string, def: number, meaning: string): VariableSpec => integer(name, def, 1, 1_000_000, meaning);
const url = (name: string, meaning: string): VariableSpec => ({
  name, meaning, schema: { type: 'string', format: 'http-url' }, expects: 'an http:// or https:// URL',
});
const text = (name: string, def: string | undefined, meaning: string, extra: Partial<VariableSpec> = {}): VariableSpec => ({
  name, meaning, schema: { type: 'string', minLength: 1, maxLength: 4096 }, expects: 'a non-empty string of at most 4096 characters',
  ...(def === undefined ? {} : { default: def }), ...extra,
});
const topic = (name: string, def: string, meaning: string): VariableSpec => ({
  name, default: def, meaning, schema: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
  expects: 'a Kafka topic name (letters, digits, ".", "_", "-"; at most 249)',
});
const file = (name: string, meaning: string): VariableSpec => ({
  name, meaning, schema: { type: 'string', format: 'readable-file' }, expects: 'the path of a readable file',
});

const permissionList = (name: string, defaults: readonly string[], meaning: string, charset: string): VariableSpec => ({
  name, default: defaults.join(','), meaning, shownDefault: 'the list in "Permission check"',
  schema: { type: 'string', pattern: `^${charset}+(,${charset}+)*$`, maxLength: 65_536 },
  expects: 'a comma-separated list of permission names, without spaces',
});

export const CONFIG_VARIABLES: readonly VariableSpec[] = [
  file('ACG_CONFIG', 'Clowder\'s app configuration (cdappconfig.json): Kafka brokers, security and CA, topic names, ports; explicitly set variables win'),
  text('HOST', '0.0.0.0', 'address the ingress and metrics servers listen on'),
  port('PORT', 8000, 'ingress HTTP port'),
  port('METRICS_PORT', 9000, 'Prometheus metrics port (`/metrics`)'),
  text('LOG_LEVEL', 'info', 'pino log level', {
    schema: { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    expects: 'one of fatal, error, warn, info, debug, trace, silent',
  }),
  {
    name: 'KAFKA_BROKERS', meaning: 'Kafka bootstrap servers `host:port[,host:port…]`; unset runs the embedded in-process log',
    schema: { type: 'string', pattern: '^[^\\s,:]+:[0-9]{1,5}(,[^\\s,:]+:[0-9]{1,5})*$' }, expects: 'a comma-separated list of host:port',
  },
  text('KAFKA_CLIENT_ID', 'sources-availability-check', 'Kafka client id'),
  {
    name: 'KAFKA_SECURITY_PROTOCOL', default: 'plaintext', meaning: 'how every Kafka client connects: TLS (`ssl`, `sasl_ssl`) and SASL authentication (`sasl_plaintext`, `sasl_ssl`)',
    schema: { type: 'string', enum: [...SECURITY_PROTOCOLS] }, expects: `one of ${SECURITY_PROTOCOLS.join(', ')}`,
  },
  {
    name: 'KAFKA_SASL_MECHANISM', meaning: 'SASL mechanism (required with `sasl_*`)',
    schema: { type: 'string', enum: [...SASL_MECHANISMS] }, expects: `one of ${SASL_MECHANISMS.join(', ')}`,
  },
  text('KAFKA_SASL_USERNAME', undefined, 'SASL user name (required with `sasl_*`)'),
  text('KAFKA_SASL_PASSWORD', undefined, 'SASL password (required with `sasl_*`)', { secret: true }),
  file('KAFKA_SSL_CA_FILE', 'PEM CA certificate(s) the brokers\' certificates must chain to (`ssl`, `sasl_ssl`); unset = the system\'s trusted CAs'),
  file('KAFKA_SSL_CERT_FILE', 'PEM client certificate for mutual TLS (set with KAFKA_SSL_KEY_FILE)'),
  file('KAFKA_SSL_KEY_FILE', 'PEM private key of KAFKA_SSL_CERT_FILE'),
  text('KAFKA_SSL_KEY_PASSWORD', undefined, 'password of an encrypted KAFKA_SSL_KEY_FILE', { secret: true }),
  text('KAFKA_GROUP_ID', 'sources-availability-check', 'application id: the consumer group, and the prefix of internal topics'),
  topic('TOPIC_REQUESTS', DEFAULT_TOPICS.requests, 'topic of scheduled check requests'),
  topic('TOPIC_PRIORITY', DEFAULT_TOPICS.priority, 'topic of user-triggered (no-cache) checks, consumed first'),
  topic('TOPIC_STATUS', DEFAULT_TOPICS.status, 'topic Sources reads availability statuses from'),
  topic('TOPIC_DEAD_LETTER', DEFAULT_TOPICS.deadLetter, 'topic for records that could not be processed'),
  integer('CACHE_TTL_SECONDS', 3600, 0, 604_800, 'how long a definitive result answers repeated checks; 0 disables the cache'),
  url('SOURCES_URL', 'base URL of the Sources API (required by the worker), e.g. `http://sources-api:8000`'),
  integer('SOURCES_TIMEOUT_MS', 5000, 1, 120_000, 'timeout of one Sources API call'),
  integer('CHECK_TIMEOUT_MS', 5000, 1, 120_000, 'timeout of one cloud call'),
  integer('CHECK_MAX_ATTEMPTS', 5, 1, 100, 'attempts per check on transient failures (throttling, timeouts, 5xx)'),
  // Sized by Little's law (in flight = rate × time) for the AWS path with the permission check at
  // our STS quota (AWS_RATE_PER_SEC 20 checks/s, AWS_BURST 100): each check is 1 STS call then 4-5
  // IAM reads in sequence, ~6 call latencies with the Sources lookup. Calls in flight per API: IAM
  // 100 reads/s × 250 ms a call = 25. Source checks in flight (the check step runs 3 × this): the
  // burst lets 100 checks through STS at once, and the STS bucket stays busy only while checks
  // keep arriving behind them, so 100 + 20/s × 0.6 s ≈ 112, hence 3 × 40 = 120. With 10 (30
  // source checks), the check-path benchmark kept STS at 0.72 of its bucket (median of 5 runs).
  integer('CHECK_CONCURRENCY', 40, 1, 10_000, 'cloud calls in flight at once, per API (STS, IAM, ARM, Resource Manager); the check step runs 3 × this many source checks at once'),
  rate('AWS_RATE_PER_SEC', 20, 'AWS calls per second (our identity\'s bucket refill)'),
  burst('AWS_BURST', 100, 'AWS bucket size'),
  rate('AZURE_RATE_PER_SEC', 25, 'Azure ARM reads per second'),
  burst('AZURE_BURST', 250, 'Azure bucket size'),
  rate('GCP_RATE_PER_SEC', 10, 'GCP Resource Manager reads per second'),
  burst('GCP_BURST', 10, 'GCP bucket size'),
  rate('IAM_RATE_PER_SEC', 10, 'AWS IAM reads per second into one customer AWS account, per tenant (the permission check reads with the customer\'s role, so IAM counts the reads against the customer\'s account, not ours)'),
  burst('IAM_BURST', 20, 'AWS IAM bucket size per customer AWS account, per tenant'),
  rate('ACCOUNT_RATE_PER_SEC', 2, 'calls per second into one customer account (role, subscription, project), per tenant'),
  burst('ACCOUNT_BURST', 5, 'bucket size per customer account, per tenant'),
  rate('INGRESS_ORG_RATE_PER_SEC', 50, 'accepted check requests per second per tenant (the identity\'s org id, else its account number)'),
  burst('INGRESS_ORG_BURST', 500, 'request bucket size per tenant (Sources\' hourly run sends an org\'s sources back to back)'),
  integer('INGRESS_BODY_LIMIT_BYTES', 4096, 64, 1_048_576, 'largest accepted request body'),
  integer('INGRESS_PUBLISH_TIMEOUT_MS', 3000, 1, 9000, 'answer 503 when a request is not on its topic by then (Sources waits 10 s)'),
  text('AWS_REGION', 'us-east-1', 'region of the STS client'),
  text('AWS_ACCESS_KEY_ID', undefined, 'access key of our AWS identity (set together with AWS_SECRET_ACCESS_KEY)', { secret: true }),
  text('AWS_SECRET_ACCESS_KEY', undefined, 'secret key of our AWS identity', { secret: true }),
  url('AWS_ENDPOINT_URL_STS', 'STS endpoint; unset = AWS\'s regional endpoint'),
  url('AWS_ENDPOINT_URL_IAM', 'IAM endpoint of the permission check; unset = AWS\'s'),
  text('AWS_ROLE_SESSION_NAME', 'sources-availability-check', 'session name of the AssumeRole check', {
    schema: { type: 'string', pattern: '^[\\w+=,.@-]{2,64}$' }, expects: '2 to 64 characters of letters, digits and +=,.@_-',
  }),
  text('AZURE_TENANT_ID', undefined, 'tenant of our service principal (set with AZURE_CLIENT_ID and AZURE_CLIENT_SECRET)'),
  text('AZURE_CLIENT_ID', undefined, 'client id of our service principal'),
  text('AZURE_CLIENT_SECRET', undefined, 'client secret of our service principal', { secret: true }),
  url('AZURE_AUTHORITY_HOST', 'Azure AD authority; unset = `https://login.microsoftonline.com`'),
  url('AZURE_ARM_ENDPOINT', 'ARM endpoint; unset = `https://management.azure.com`'),
  file('AZURE_CA_FILE', 'PEM certificate(s) to trust for Azure calls (emulators with self-signed certificates)'),
  {
    name: 'GCP_PROJECT_ENDPOINT',
    meaning: 'Resource Manager endpoint: `host:port` (HTTPS) or a URL (`http://127.0.0.1:8085` for an emulator); unset = Google\'s',
    schema: { type: 'string', format: 'gcp-endpoint' }, expects: 'host:port or an http:// or https:// URL',
  },
  file('GCP_CREDENTIALS_FILE', 'service account key JSON of our GCP identity'),
  {
    name: 'PERMISSION_CHECK', default: 'aws,azure,gcp',
    meaning: 'providers whose accounts get the permission check after a successful reachability check (comma-separated), or `off`',
    schema: { type: 'string', pattern: '^(off|(aws|azure|gcp)(,(aws|azure|gcp))*)$' }, expects: '`off` or a comma-separated list of aws, azure, gcp',
  },
  text('PERMISSIONS_STATUS', 'unavailable', 'the status sent when required permissions are missing: `unavailable` or Sources\' `partially_available`', {
    schema: { type: 'string', enum: ['unavailable', 'partially_available'] }, expects: 'unavailable or partially_available',
  }),
  permissionList('AWS_REQUIRED_PERMISSIONS', DEFAULT_AWS_PERMISSIONS, 'IAM actions the customer\'s role must allow (wildcards in the role\'s policies are understood)', '[A-Za-z0-9-]+:[A-Za-z0-9]'),
  permissionList('AZURE_REQUIRED_PERMISSIONS', DEFAULT_AZURE_PERMISSIONS, 'ARM operations we must be allowed at the subscription scope', '[A-Za-z0-9./_-]'),
  permissionList('GCP_REQUIRED_PERMISSIONS', DEFAULT_GCP_PERMISSIONS, 'IAM permissions we must hold on the customer\'s project (at most 100)', '[A-Za-z0-9._]'),
];
