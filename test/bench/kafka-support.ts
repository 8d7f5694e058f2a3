// Shared by the Kafka benchmarks (kafka-*.bench.ts): the broker (KAFKA_BROKERS, else the project
// broker started on its own port for this benchmark process), fast bulk produce, topic cleanup.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import Kafka from 'node-rdkafka';
import { ensureTopics } from '../../src/streams/kafka/admin.ts';

const run = promisify(execFile);
const brokerScript = path.resolve(import.meta.dirname, '../kafka/broker.sh');

export interface BenchBroker {
  brokers: string;
  stop(): Promise<void>;
}

/** KAFKA_BROKERS when set; else the project broker on BENCH_KAFKA_PORT (default 19492), fresh. */
export async function benchBroker(): Promise<BenchBroker> {
  const given = process.env.KAFKA_BROKERS;
  if (given) return { brokers: given, stop: async () => {} };
  const env = { ...process.env, KAFKA_PORT: process.env.BENCH_KAFKA_PORT ?? '19492' };
  await run('bash', [brokerScript, 'up'], { env, timeout: 240_000 });
  return { brokers: `127.0.0.1:${env.KAFKA_PORT}`, stop: async () => { await run('bash', [brokerScript, 'down'], { env, timeout: 60_000 }); } };
}

export interface BulkMessage {
  topic: string;
  key: string;
  value: Buffer | null;
  partition?: number;
  headers?: Kafka.MessageHeader[];
}

/**
 * Produces `count` messages made by `make(i)` as fast as librdkafka takes them (Kafka's murmur2
 * partitioner), and resolves once every one was acknowledged.
 */
export async function produceBulk(brokers: string, count: number, make: (i: number) => BulkMessage): Promise<void> {
  const producer = new Kafka.Producer({
    'bootstrap.servers': brokers, dr_cb: true, 'enable.idempotence': true, 'linger.ms': 20,
    'batch.num.messages': 10_000, 'queue.buffering.max.messages': 500_000,
  }, { partitioner: 'murmur2_random' });
  await new Promise<void>((resolve, reject) => producer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
  producer.setPollInterval(5);
  let acked = 0;
  let failed: Error | undefined;
  producer.on('delivery-report', (err) => {
    if (err) failed ??= new Error(err.message);
    acked++;
  });
  try {
    for (let i = 0; i < count; i++) {
      const m = make(i);
      for (;;) {
        try {
          producer.produce(m.topic, m.partition ?? null, m.value, m.key, Date.now(), undefined, m.headers);
          break;
        } catch (err) {
          if ((err as { code?: number }).code !== Kafka.CODES.ERRORS.ERR__QUEUE_FULL) throw err;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }
    }
    while (acked < count && !failed) await new Promise((resolve) => setTimeout(resolve, 10));
    if (failed) throw failed;
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
}

export async function createTopics(brokers: string, names: string[], partitions: number, config: Record<string, string> = {}): Promise<void> {
  await ensureTopics(brokers, names.map((name) => ({ name, partitions, config })));
}

export async function deleteTopics(brokers: string, names: string[]): Promise<void> {
  const admin = Kafka.AdminClient.create({ 'bootstrap.servers': brokers, 'client.id': 'bench-admin' });
  try {
    for (const name of names) await new Promise<void>((resolve) => admin.deleteTopic(name, 30_000, () => resolve()));
  } finally {
    admin.disconnect();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The q-quantile (0..1) of `values` (sorted copy, nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
