// Where the tests' Kafka comes from, in order: KAFKA_BROKERS when set; testcontainers' Kafka
// module when a Docker engine answers; else the project's own KRaft broker (test/kafka/broker.sh).
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const brokerScript = path.join(root, 'test/kafka/broker.sh');

export interface TestBroker {
  /** bootstrap.servers for clients */
  brokers: string;
  /** what it is, for the test log: version and origin */
  description: string;
  stop(): Promise<void>;
}

/** The Apache Kafka version the project's own broker runs (from test/kafka/pom.xml). */
export function projectKafkaVersion(): string {
  const pom = readFileSync(path.join(root, 'test/kafka/pom.xml'), 'utf8');
  return /<kafka.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown';
}

function dockerEngineAnswers(): boolean {
  const result = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5000, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

async function startTestcontainer(): Promise<TestBroker> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const image = process.env.KAFKA_TEST_IMAGE ?? 'confluentinc/cp-kafka:7.9.0';
  const container = await new KafkaContainer(image).withKraft().start();
  const brokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
  return { brokers, description: `${image} (testcontainers) at ${brokers}`, stop: async () => { await container.stop(); } };
}

async function startProjectBroker(port: number): Promise<TestBroker> {
  const env = { ...process.env, KAFKA_PORT: String(port) };
  const { stdout } = await run('bash', [brokerScript, 'up'], { env, timeout: 180_000 });
  process.stdout.write(stdout);
  const brokers = `127.0.0.1:${port}`;
  return {
    brokers,
    description: `Apache Kafka ${projectKafkaVersion()} (project KRaft broker, test/kafka/broker.sh) at ${brokers}`,
    stop: async () => { await run('bash', [brokerScript, 'down'], { env, timeout: 60_000 }); },
  };
}

/** Finds or starts the broker for one test run. */
export async function acquireTestBroker(): Promise<TestBroker> {
  const given = process.env.KAFKA_BROKERS;
  if (given) return { brokers: given, description: `existing broker(s) from KAFKA_BROKERS at ${given}`, stop: async () => {} };
  if (dockerEngineAnswers()) return startTestcontainer();
  return startProjectBroker(Number(process.env.KAFKA_TEST_PORT ?? 19192));
}
