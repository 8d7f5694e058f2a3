import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig, redactConfig, SECRET_VARIABLES } from '../../src/config/load.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';

function problemsOf(env: NodeJS.ProcessEnv, options = {}): ConfigError {
  try {
    loadConfig(env, options);
  } catch (err) {
    assert.instance(err, ConfigError);
    return err as ConfigError;
  }
  return assert.unreachable('expected a ConfigError') as never;
}

test('defaults with an empty environment', () => {
  const config = loadConfig({});
  assert.equal(config.http, { host: '0.0.0.0', port: 8000, metricsPort: 9000 });
  assert.equal(config.kafka, { brokers: undefined, clientId: 'sources-availability-check', groupId: 'sources-availability-check', security: { protocol: 'plaintext' } });
  assert.equal({ ...config.topics }, {
    requests: 'platform.provisioning.internal.availability-check',
    priority: 'platform.provisioning.internal.availability-check.priority',
    status: 'platform.sources.status',
    deadLetter: 'platform.provisioning.internal.availability-check.dlq',
  });
  assert.is(config.cache.ttlSeconds, 3600);
  assert.equal(config.checks, { timeoutMs: 5000, maxAttempts: 5, concurrencyPerProvider: 40 });
  assert.equal(config.rateLimits.aws, { ratePerSec: 20, burst: 100 });
  assert.equal(config.rateLimits.azure, { ratePerSec: 25, burst: 250 });
  assert.equal(config.rateLimits.gcp, { ratePerSec: 10, burst: 10 });
  assert.equal(config.ingress, { orgRatePerSec: 50, orgBurst: 500, bodyLimitBytes: 4096, publishTimeoutMs: 3000 });
  assert.is(config.sources.url, undefined);
  assert.is(config.logLevel, 'info');
  assert.is(config.gcp.projectEndpoint, undefined);
});

test('values are parsed, empty means unset, and the result is deeply frozen', () => {
  const config = loadConfig({
    PORT: ' 8080 ', KAFKA_BROKERS: '127.0.0.1:19092,localhost:19093', AWS_RATE_PER_SEC: '2.5', TOPIC_STATUS: 'test.status',
    SOURCES_URL: 'http://127.0.0.1:3000/', METRICS_PORT: '', LOG_LEVEL: 'debug',
  });
  assert.is(config.http.port, 8080);
  assert.is(config.http.metricsPort, 9000);
  assert.is(config.kafka.brokers, '127.0.0.1:19092,localhost:19093');
  assert.is(config.rateLimits.aws.ratePerSec, 2.5);
  assert.is(config.topics.status, 'test.status');
  assert.is(config.sources.url, 'http://127.0.0.1:3000');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.rateLimits.aws) && Object.isFrozen(config.topics));
  assert.throws(() => { (config.http as { port: number }).port = 1; });
});

test('GCP endpoint: host:port is HTTPS, a URL keeps its scheme', () => {
  assert.equal(loadConfig({ GCP_PROJECT_ENDPOINT: 'rm.example:443' }).gcp.projectEndpoint, { host: 'rm.example', port: 443, protocol: 'https' });
  assert.equal(loadConfig({ GCP_PROJECT_ENDPOINT: 'http://127.0.0.1:8085' }).gcp.projectEndpoint, { host: '127.0.0.1', port: 8085, protocol: 'http' });
  assert.equal(loadConfig({ GCP_PROJECT_ENDPOINT: 'https://rm.example' }).gcp.projectEndpoint, { host: 'rm.example', port: 443, protocol: 'https' });
});

const BAD: Array<[string, string, RegExp]> = [
  ['PORT', 'abc', /PORT must be an integer port from 0 to 65535 \(0: any free port\), got "abc"/],
  ['PORT', '70000', /PORT must be an integer port/],
  ['METRICS_PORT', '65536', /METRICS_PORT must be an integer port from 0 to 65535/],
  ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of fatal/],
  ['KAFKA_BROKERS', 'localhost', /KAFKA_BROKERS must be a comma-separated list of host:port/],
  ['TOPIC_REQUESTS', 'has space', /TOPIC_REQUESTS must be a Kafka topic name/],
  ['CACHE_TTL_SECONDS', '-1', /CACHE_TTL_SECONDS must be an integer from 0/],
  ['CACHE_TTL_SECONDS', '1.5', /CACHE_TTL_SECONDS must be an integer/],
  ['SOURCES_URL', 'ftp://sources', /SOURCES_URL must be an http:\/\/ or https:\/\/ URL/],
  ['SOURCES_URL', 'not a url', /SOURCES_URL must be an http/],
  ['CHECK_MAX_ATTEMPTS', '0', /CHECK_MAX_ATTEMPTS must be an integer from 1 to 100/],
  ['AWS_RATE_PER_SEC', '0', /AWS_RATE_PER_SEC must be a number greater than 0/],
  ['AZURE_BURST', 'many', /AZURE_BURST must be an integer/],
  ['INGRESS_PUBLISH_TIMEOUT_MS', '10000', /INGRESS_PUBLISH_TIMEOUT_MS must be an integer from 1 to 9000/],
  ['INGRESS_BODY_LIMIT_BYTES', '10', /INGRESS_BODY_LIMIT_BYTES must be an integer from 64/],
  ['AWS_ROLE_SESSION_NAME', 'has space', /AWS_ROLE_SESSION_NAME must be 2 to 64/],
  ['AZURE_CA_FILE', '/nonexistent/ca.pem', /AZURE_CA_FILE must be the path of a readable file/],
  ['GCP_PROJECT_ENDPOINT', 'just-a-host', /GCP_PROJECT_ENDPOINT must be host:port or an http/],
];
for (const [name, value, expected] of BAD) {
  test(`bad ${name}=${JSON.stringify(value)} names itself`, () => {
    const error = problemsOf({ [name]: value });
    assert.match(error.message, expected);
    assert.equal(error.problems.map((p) => p.variable), [name]);
  });
}

test('every bad variable is reported at once', () => {
  const error = problemsOf({ PORT: 'x', AWS_BURST: 'y', LOG_LEVEL: 'z' });
  assert.equal(error.problems.map((p) => p.variable).sort(), ['AWS_BURST', 'LOG_LEVEL', 'PORT']);
});

test('secrets are never echoed', () => {
  // A secret value in a non-secret variable is still echoed there, but a secret variable never is.
  const secret = 'sup3r-s3cret-value';
  const error = problemsOf({ AWS_SECRET_ACCESS_KEY: secret, AZURE_CLIENT_SECRET: secret, GCP_CREDENTIALS_FILE: '/nonexistent' });
  assert.not.match(error.message, secret);
  assert.match(error.message, /AWS_ACCESS_KEY_ID must be set together with AWS_SECRET_ACCESS_KEY/);
  assert.match(error.message, /AZURE_TENANT_ID, AZURE_CLIENT_ID must be set together with AZURE_CLIENT_SECRET/);
  const long = problemsOf({ AWS_ACCESS_KEY_ID: 'x'.repeat(5000), AWS_SECRET_ACCESS_KEY: secret });
  assert.match(long.message, /AWS_ACCESS_KEY_ID must be a non-empty string of at most 4096 characters$/m);
  assert.not.match(long.message, 'xxxx');
  assert.equal([...SECRET_VARIABLES].sort(), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AZURE_CLIENT_SECRET', 'KAFKA_SASL_PASSWORD', 'KAFKA_SSL_KEY_PASSWORD']);
});

test('redactConfig hides every secret', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'config-'));
  const caFile = path.join(dir, 'ca.pem');
  writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\n');
  const config = loadConfig({
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'aws-secret',
    AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 'azure-secret', AZURE_CA_FILE: caFile,
  });
  assert.is(config.azure.clientSecret, 'azure-secret');
  assert.is(config.azure.caFile, caFile);
  const shown = JSON.stringify(redactConfig(config));
  for (const secret of ['AKIAEXAMPLE', 'aws-secret', 'azure-secret']) assert.not.match(shown, secret);
  assert.match(shown, /<redacted>/);
});

test('cross-variable rules: distinct topics', () => {
  const error = problemsOf({ TOPIC_PRIORITY: 'platform.provisioning.internal.availability-check' });
  assert.equal(error.problems.map((p) => p.variable), ['TOPIC_PRIORITY']);
  assert.match(error.message, /TOPIC_PRIORITY must differ from TOPIC_REQUESTS/);
});

test('required variables: SOURCES_URL for the worker', () => {
  const error = problemsOf({}, { require: ['SOURCES_URL'] });
  assert.match(error.message, /SOURCES_URL is required/);
  assert.is(loadConfig({ SOURCES_URL: 'http://127.0.0.1:1' }, { require: ['SOURCES_URL'] }).sources.url, 'http://127.0.0.1:1');
  assert.throws(() => loadConfig({}, { require: ['NO_SUCH_VAR'] }), /unknown required variable/);
});

test('every variable has a meaning and a schema; names are unique', () => {
  const names = CONFIG_VARIABLES.map((v) => v.name);
  assert.is(new Set(names).size, names.length);
  for (const v of CONFIG_VARIABLES) assert.ok(v.meaning.length > 0 && v.expects.length > 0, v.name);
});

test.run();
