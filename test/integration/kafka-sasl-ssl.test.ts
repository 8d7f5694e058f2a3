// The service on an authenticated Kafka: the project broker with a SASL_SSL listener (SCRAM,
// a certificate from a throwaway CA; test/kafka/broker.sh with KAFKA_LISTENER=sasl_ssl) on
// KAFKA_SECURE_PORT. A check is answered end to end over SASL_SSL with SCRAM-SHA-512; a wrong
// password and an untrusted CA each stop the start with librdkafka's reason, not a timeout; and
// `npx availability-check serve` configured by Clowder (ACG_CONFIG) connects with the credentials
// and CA of the file and uses its actual topic names.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Kafka from 'node-rdkafka';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { headerMap, validateStatusMessage } from '../../src/contract/index.ts';
import { partitionCounts } from '../../src/streams/kafka/admin.ts';
import { baseClientConfig } from '../../src/streams/kafka/options.ts';
import type { KafkaSecurity } from '../../src/streams/kafka/security.ts';
import { startEmulators } from '../emulators/index.ts';
import { consumeExactly, uniqueName } from '../support/kafka.ts';
import { CHECK_PATH, kafkaServiceEnv, startServiceUnderTest } from '../support/service.ts';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const port = Number(process.env.KAFKA_SECURE_PORT ?? 19592);
const brokers = `127.0.0.1:${port}`;
const username = 'availability-check';
const password = 'scram-test-secret-for-this-run';
const brokerEnv = { ...process.env, KAFKA_PORT: String(port), KAFKA_LISTENER: 'sasl_ssl', KAFKA_SASL_TEST_USERNAME: username, KAFKA_SASL_TEST_PASSWORD: password };
const caFile = path.join(root, '.kafka', String(port), 'tls/ca.pem');
const scratch = mkdtempSync(path.join(tmpdir(), 'sasl-ssl-'));

const securityEnv = (overrides: Record<string, string> = {}) => ({
  KAFKA_SECURITY_PROTOCOL: 'sasl_ssl', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: username,
  KAFKA_SASL_PASSWORD: password, KAFKA_SSL_CA_FILE: caFile, ...overrides,
});
const security = (): KafkaSecurity => ({ protocol: 'sasl_ssl', sasl: { mechanism: 'SCRAM-SHA-512', username, password }, tls: { caFile } });

async function secureConsumer(topic: string): Promise<Kafka.KafkaConsumer> {
  // metadata every second: a topic the service created just before may otherwise stay invisible
  // to the subscription for librdkafka's default refresh interval (5 minutes)
  const consumer = new Kafka.KafkaConsumer({
    ...baseClientConfig(brokers, security()), 'group.id': uniqueName('sasl-reader'), 'enable.auto.commit': false, 'topic.metadata.refresh.interval.ms': 1000,
  }, { 'auto.offset.reset': 'earliest' });
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
  consumer.subscribe([topic]);
  return consumer;
}

const release = (consumer: Kafka.KafkaConsumer) => new Promise<void>((resolve) => consumer.disconnect(() => resolve()));

/** The error startServiceUnderTest fails with (it must fail). */
async function startFailure(env: Record<string, string>): Promise<Error> {
  const outcome = await startServiceUnderTest(env).then(async (sut) => { await sut.stop(); return undefined; }, (err: unknown) => err);
  assert.instance(outcome, Error, 'the service must not start');
  return outcome as Error;
}

test.before(async () => {
  const { stdout } = await run('bash', [path.join(root, 'test/kafka/broker.sh'), 'up'], { env: brokerEnv, timeout: 180_000 });
  process.stdout.write(stdout);
});

test.after(async () => {
  await run('bash', [path.join(root, 'test/kafka/broker.sh'), 'down'], { env: brokerEnv, timeout: 60_000 });
});

test('over SASL_SSL with SCRAM-SHA-512 a check is answered end to end', async () => {
  const sut = await startServiceUnderTest({ ...kafkaServiceEnv(brokers, uniqueName('sasl')), ...securityEnv() });
  const reader = await secureConsumer(sut.config.topics.status);
  try {
    const source = sut.emulators.demo.find((d) => d.provider === 'aws' && d.expected === 'available')!;
    assert.is(await sut.post(source.sourceId), 202);
    const [message] = await consumeExactly(reader, 1, 60_000);
    const record = { key: message!.key?.toString() ?? null, value: message!.value, headers: headerMap(message!.headers) };
    assert.equal(validateStatusMessage(record), []);
    assert.is(record.key, source.applicationId);
    assert.is((JSON.parse(message!.value!.toString()) as { status: string }).status, 'available');
  } finally {
    await release(reader);
    await sut.stop();
  }
});

test('a wrong password stops the start with the authentication failure as its reason', async () => {
  const started = Date.now();
  const error = await startFailure({ ...kafkaServiceEnv(brokers, uniqueName('sasl-bad')), ...securityEnv({ KAFKA_SASL_PASSWORD: 'not-the-password' }) });
  assert.match(error.message, /SASL authentication error: .*invalid credentials.*SCRAM-SHA-512/);
  assert.not.match(error.message, 'not-the-password');
  assert.ok(Date.now() - started < 60_000, `a reason within a minute, not a hang (${Date.now() - started} ms)`);
});

test('an untrusted CA stops the start with the certificate failure as its reason', async () => {
  const otherCa = path.join(scratch, 'other-ca.pem');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=some other CA', '-keyout', path.join(scratch, 'other-ca.key'), '-out', otherCa]);
  const started = Date.now();
  const error = await startFailure({ ...kafkaServiceEnv(brokers, uniqueName('sasl-ca')), ...securityEnv({ KAFKA_SSL_CA_FILE: otherCa }) });
  assert.match(error.message, /SSL handshake failed: .*certificate verify failed/);
  assert.ok(Date.now() - started < 60_000, `a reason within a minute, not a hang (${Date.now() - started} ms)`);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as { port: number };
      server.close(() => resolve(free));
    }).on('error', reject);
  });
}

async function waitReady(url: string, child: { exitCode: number | null }, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}:\n${output()}`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${output()}`);
}

test('ACG_CONFIG=… npx availability-check serve: Clowder\'s brokers, credentials, CA, ports and actual topic names', async () => {
  const emulators = await startEmulators();
  const prefix = uniqueName('clowder');
  const requested = { requests: 'platform.provisioning.internal.availability-check', priority: 'platform.provisioning.internal.availability-check.priority', status: 'platform.sources.status', deadLetter: 'platform.provisioning.internal.availability-check.dlq' };
  const actual = { requests: `${prefix}-requests`, priority: `${prefix}-priority`, status: `${prefix}-status`, deadLetter: `${prefix}-dlq` };
  const [webPort, metricsPort] = [await freePort(), await freePort()];
  const acgConfig = path.join(scratch, `${prefix}-cdappconfig.json`);
  writeFileSync(acgConfig, JSON.stringify({
    publicPort: webPort, metricsPort, metricsPath: '/metrics', logging: { type: 'null' },
    kafka: {
      brokers: [{ hostname: '127.0.0.1', port, authtype: 'sasl', cacert: readFileSync(caFile, 'utf8'), securityProtocol: 'SASL_SSL', sasl: { username, password, saslMechanism: 'SCRAM-SHA-512', securityProtocol: 'SASL_SSL' } }],
      topics: (Object.keys(requested) as Array<keyof typeof requested>).map((role) => ({ requestedName: requested[role], name: actual[role] })),
    },
  }));
  const env: NodeJS.ProcessEnv = {
    ...process.env, ACG_CONFIG: acgConfig, HOST: '127.0.0.1', LOG_LEVEL: 'info', KAFKA_GROUP_ID: `${prefix}-worker`,
    SOURCES_URL: emulators.sourcesUrl, AWS_ENDPOINT_URL_STS: emulators.sts.url, AWS_ENDPOINT_URL_IAM: emulators.sts.url, AWS_ACCESS_KEY_ID: emulators.sts.accessKeyId, AWS_SECRET_ACCESS_KEY: 'emulator-secret',
  };
  for (const name of ['KAFKA_BROKERS', 'PORT', 'METRICS_PORT']) delete env[name]; // from Clowder only
  let output = '';
  // its own process group: npx dies of a SIGTERM without passing it on, so the test signals the group
  const child = spawn('npx', ['--no-install', 'availability-check', 'serve'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.on('data', (chunk: Buffer) => { output += chunk; });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk; });
  // 'close': every process of the group let go of the output pipes
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let reader: Kafka.KafkaConsumer | undefined;
  try {
    await waitReady(`http://127.0.0.1:${metricsPort}/readyz`, child, () => output, 120_000);
    reader = await secureConsumer(actual.status);
    const source = emulators.demo.find((d) => d.provider === 'aws' && d.expected === 'available')!;
    const response = await fetch(`http://127.0.0.1:${webPort}${CHECK_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId },
      body: JSON.stringify({ source_id: source.sourceId }),
    });
    assert.is(response.status, 202, 'the ingress listens on Clowder\'s publicPort');
    const [message] = await consumeExactly(reader, 1, 60_000).catch((err: Error) => { throw new Error(`${err.message}; serve's output:\n${output.slice(-3000)}`); });
    assert.is(message!.key?.toString(), source.applicationId, 'the status arrived on the actual status topic');
    const counts = await partitionCounts(brokers, [...Object.values(actual), ...Object.values(requested)], undefined, security());
    for (const name of [actual.requests, actual.priority]) assert.ok(counts.has(name), `${name} (actual) is used`);
    for (const name of [requested.requests, requested.priority, requested.status]) assert.not.ok(counts.has(name), `${name} (requested) is not`);
    assert.not.match(output, password, 'the SASL password is never logged');
  } finally {
    if (reader) await release(reader);
    process.kill(-child.pid!, 'SIGTERM');
    await closed;
    await emulators.stop();
    assert.match(output, '"msg":"stopped"', `serve stops cleanly on SIGTERM:\n${output.slice(-2000)}`);
  }
});

test.run();
