// Configuration from Clowder's app configuration (ACG_CONFIG): brokers, SASL and CA, ports and
// the requested → actual topic names; explicitly set variables win. The fixture is shaped like
// the cdappconfig.json Clowder mounts for a ClowdApp with a managed (SASL_SSL) Kafka.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig } from '../../src/config/load.ts';
import { securityClientConfig } from '../../src/streams/kafka/security.ts';

const fixture = path.join(import.meta.dirname, 'fixtures/cdappconfig.json');
const dir = mkdtempSync(path.join(tmpdir(), 'clowder-'));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach into the fixture freely
type Json = any;

function configFile(edit: (config: Json) => void): string {
  const config = JSON.parse(readFileSync(fixture, 'utf8')) as Json;
  edit(config);
  const file = path.join(dir, `cdappconfig-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  return file;
}

test('brokers, SASL_SSL credentials, CA, ports and mapped topic names come from ACG_CONFIG', () => {
  const config = loadConfig({ ACG_CONFIG: fixture });
  assert.is(config.kafka.brokers, 'kafka-0.managed.example.com:443,kafka-1.managed.example.com:443');
  const { security } = config.kafka;
  assert.is(security.protocol, 'sasl_ssl');
  assert.equal(security.sasl, { mechanism: 'SCRAM-SHA-512', username: 'svc-availability-check', password: 'clowder-provided-scram-password' });
  const caFile = security.tls?.caFile;
  assert.ok(caFile, 'the CA is written to a file for librdkafka');
  assert.is(readFileSync(caFile, 'utf8'), '-----BEGIN CERTIFICATE-----\nTUFOQUdFRC1LQUZLQS1DQQ==\n-----END CERTIFICATE-----\n');
  assert.is(statSync(caFile).mode & 0o077, 0, 'readable by its owner only');
  assert.equal(securityClientConfig(security)['ssl.ca.location'], caFile);
  assert.equal({ ...config.topics }, {
    requests: 'env-sources-test-availability-check',
    priority: 'env-sources-test-availability-check-priority',
    status: 'env-sources-test-sources-status',
    deadLetter: 'env-sources-test-availability-check-dlq',
  });
  assert.equal(config.http, { host: '0.0.0.0', port: 8000, metricsPort: 9000 });
});

test('explicit variables win over Clowder; a TOPIC_* names the requested topic', () => {
  const file = configFile((c) => {
    c.publicPort = 8080; c.metricsPort = 9090;
    c.kafka.topics.push({ requestedName: 'custom.status', name: 'env-sources-test-custom-status' });
  });
  const config = loadConfig({ ACG_CONFIG: file, PORT: '8001', KAFKA_SASL_USERNAME: 'override-user', TOPIC_STATUS: 'custom.status', TOPIC_DEAD_LETTER: 'not.in.clowder', LOG_LEVEL: 'debug' });
  assert.equal(config.http, { host: '0.0.0.0', port: 8001, metricsPort: 9090 });
  assert.is(config.kafka.security.sasl?.username, 'override-user');
  assert.is(config.kafka.security.sasl?.password, 'clowder-provided-scram-password');
  assert.is(config.topics.status, 'env-sources-test-custom-status');
  assert.is(config.topics.deadLetter, 'not.in.clowder', 'a name Clowder does not map is used as it is');
  assert.is(config.logLevel, 'debug');
});

test('older Clowder files: webPort, and the protocol only inside sasl', () => {
  const file = configFile((c) => {
    delete c.publicPort; c.webPort = 8002;
    delete c.kafka.brokers[0].securityProtocol;
    c.kafka.brokers = [c.kafka.brokers[0]];
  });
  const config = loadConfig({ ACG_CONFIG: file });
  assert.is(config.http.port, 8002);
  assert.is(config.kafka.brokers, 'kafka-0.managed.example.com:443');
  assert.is(config.kafka.security.protocol, 'sasl_ssl');
});

test('a plain in-cluster Kafka (no sasl, no CA): plaintext', () => {
  const file = configFile((c) => { c.kafka.brokers = [{ hostname: 'env-sources-test-kafka-bootstrap.svc', port: 9092 }]; });
  const config = loadConfig({ ACG_CONFIG: file });
  assert.is(config.kafka.brokers, 'env-sources-test-kafka-bootstrap.svc:9092');
  assert.equal(config.kafka.security, { protocol: 'plaintext' });
});

test('a broken ACG_CONFIG is a ConfigError naming ACG_CONFIG, echoing no value of it', () => {
  const errorOf = (env: NodeJS.ProcessEnv) => {
    try { loadConfig(env); } catch (err) { assert.instance(err, ConfigError); return err as ConfigError; }
    return assert.unreachable('expected a ConfigError') as never;
  };
  const bad = errorOf({ ACG_CONFIG: configFile((c) => { c.kafka.brokers[0].port = 'four-four-three'; }) });
  assert.equal(bad.problems.map((p) => p.variable), ['ACG_CONFIG']);
  assert.match(bad.message, '/kafka/brokers/0/port must be integer');
  assert.not.match(bad.message, 'clowder-provided-scram-password');
  const missing = errorOf({ ACG_CONFIG: path.join(dir, 'absent.json') });
  assert.match(missing.message, /ACG_CONFIG .*absent\.json: cannot be read as JSON/);
  const unsupported = errorOf({ ACG_CONFIG: configFile((c) => { c.kafka.brokers[0].sasl.saslMechanism = 'OAUTHBEARER'; }) });
  assert.match(unsupported.message, 'KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512');
});

test.run();
