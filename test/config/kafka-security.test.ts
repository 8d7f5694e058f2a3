// The Kafka security variables: validated together at start, each problem naming its variable,
// secrets never echoed; the result becomes the same librdkafka properties for every client.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConfigError } from '../../src/config/errors.ts';
import { loadConfig, redactConfig } from '../../src/config/load.ts';
import { securityClientConfig } from '../../src/streams/kafka/security.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'kafka-security-'));
const pem = (name: string) => { const file = path.join(dir, name); writeFileSync(file, '-----BEGIN CERTIFICATE-----\n'); return file; };
const ca = pem('ca.pem');
const cert = pem('client.pem');
const key = pem('client.key');
const brokers = { KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093' };
const sasl = { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'checker', KAFKA_SASL_PASSWORD: 'scram-secret-value' };

function problems(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    assert.instance(err, ConfigError);
    const error = err as ConfigError;
    for (const secret of ['scram-secret-value', 'key-secret-value']) assert.not.match(error.message, secret);
    return error;
  }
  return assert.unreachable('expected a ConfigError') as never;
}

test('plaintext by default: no security properties', () => {
  const config = loadConfig(brokers);
  assert.equal(config.kafka.security, { protocol: 'plaintext' });
  assert.equal(securityClientConfig(config.kafka.security), {});
});

test('sasl_ssl with SCRAM-SHA-512 and a CA becomes librdkafka properties', () => {
  const config = loadConfig({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', ...sasl, KAFKA_SSL_CA_FILE: ca });
  assert.equal(securityClientConfig(config.kafka.security), {
    'security.protocol': 'sasl_ssl', 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'checker',
    'sasl.password': 'scram-secret-value', 'ssl.ca.location': ca,
  });
  assert.ok(Object.isFrozen(config.kafka.security.sasl), 'frozen with the rest of the configuration');
});

test('mutual TLS: client certificate, key and key password', () => {
  const config = loadConfig({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key, KAFKA_SSL_KEY_PASSWORD: 'key-secret-value' });
  assert.equal(securityClientConfig(config.kafka.security), {
    'security.protocol': 'ssl', 'ssl.ca.location': ca, 'ssl.certificate.location': cert, 'ssl.key.location': key, 'ssl.key.password': 'key-secret-value',
  });
});

test('the secrets are redacted for logging', () => {
  const config = loadConfig({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', ...sasl, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key, KAFKA_SSL_KEY_PASSWORD: 'key-secret-value' });
  const shown = JSON.stringify(redactConfig(config));
  assert.not.match(shown, 'scram-secret-value');
  assert.not.match(shown, 'key-secret-value');
  assert.match(shown, '"username":"checker"');
});

test('a sasl_* protocol needs mechanism, user name and password', () => {
  const error = problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', KAFKA_SASL_USERNAME: 'checker' });
  assert.equal(error.problems.map((p) => p.variable), ['KAFKA_SASL_MECHANISM']);
  assert.match(error.message, 'KAFKA_SASL_MECHANISM, KAFKA_SASL_PASSWORD must be set with KAFKA_SECURITY_PROTOCOL=sasl_plaintext');
});

test('settings the chosen protocol would ignore are errors', () => {
  const error = problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'ssl', ...sasl });
  assert.equal(error.problems.map((p) => p.variable), ['KAFKA_SASL_MECHANISM']);
  assert.match(error.message, 'need KAFKA_SECURITY_PROTOCOL sasl_plaintext or sasl_ssl (it is ssl)');
  const tls = problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext', ...sasl, KAFKA_SSL_CA_FILE: ca });
  assert.equal(tls.problems.map((p) => p.variable), ['KAFKA_SSL_CA_FILE']);
  assert.match(tls.message, 'KAFKA_SSL_CA_FILE need KAFKA_SECURITY_PROTOCOL ssl or sasl_ssl (it is sasl_plaintext)');
  const embedded = problems({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', ...sasl });
  assert.equal(embedded.problems.map((p) => p.variable), ['KAFKA_SECURITY_PROTOCOL']);
  assert.match(embedded.message, 'set KAFKA_BROKERS too');
});

test('a client certificate needs its key; a key password needs the key', () => {
  assert.equal(problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CERT_FILE: cert }).problems.map((p) => p.variable), ['KAFKA_SSL_KEY_FILE']);
  assert.equal(problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_KEY_PASSWORD: 'key-secret-value' }).problems.map((p) => p.variable), ['KAFKA_SSL_KEY_PASSWORD']);
});

test('bad values name their variable; the password is never echoed', () => {
  const error = problems({ ...brokers, KAFKA_SECURITY_PROTOCOL: 'SASL-SSL', KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_PASSWORD: 'scram-secret-value', KAFKA_SSL_CA_FILE: path.join(dir, 'missing.pem') });
  const message = error.message;
  assert.match(message, 'KAFKA_SECURITY_PROTOCOL must be one of plaintext, ssl, sasl_plaintext, sasl_ssl, got "SASL-SSL"');
  assert.match(message, 'KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512');
  assert.match(message, 'KAFKA_SSL_CA_FILE must be the path of a readable file');
});

test.run();
