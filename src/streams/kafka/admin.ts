// Topic administration for the Kafka runtime: create what a topology needs, with the right
// configuration (the table changelog is compacted), and leave existing topics alone.
import Kafka from 'node-rdkafka';
import { baseClientConfig } from './options.ts';
import { connectClient, PLAINTEXT, REPORT_CONNECT_FAILURES, type KafkaSecurity } from './security.ts';

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

const TOPIC_ALREADY_EXISTS = Kafka.CODES.ERRORS.ERR_TOPIC_ALREADY_EXISTS;

/** Creates each topic that does not exist yet; an existing topic is not altered. */
export async function ensureTopics(brokers: string, topics: TopicSpec[], timeoutMs = 30_000, security: KafkaSecurity = PLAINTEXT): Promise<void> {
  const admin = Kafka.AdminClient.create({ ...baseClientConfig(brokers, security), 'client.id': 'availability-check-admin' });
  try {
    for (const topic of topics) {
      await new Promise<void>((resolve, reject) => admin.createTopic({
        topic: topic.name,
        num_partitions: topic.partitions,
        replication_factor: topic.replicationFactor ?? 1,
        config: topic.config ?? {},
      }, timeoutMs, (err) => (!err || err.code === TOPIC_ALREADY_EXISTS ? resolve() : reject(new Error(`create topic ${topic.name}: ${err.message}`)))));
    }
  } finally {
    admin.disconnect();
  }
}

/** Partition count of each named topic (absent topics are left out). */
export async function partitionCounts(brokers: string, topics: string[], timeoutMs = 15_000, security: KafkaSecurity = PLAINTEXT): Promise<Map<string, number>> {
  const producer = new Kafka.Producer({ ...baseClientConfig(brokers, security), 'client.id': 'availability-check-metadata', 'allow.auto.create.topics': false, ...REPORT_CONNECT_FAILURES });
  try {
    await connectClient(producer, 'metadata connect', timeoutMs);
  } catch (error) {
    await releaseClient(producer);
    throw error;
  }
  try {
    const counts = new Map<string, number>();
    for (const name of topics) {
      const metadata = await new Promise<Kafka.Metadata>((resolve, reject) =>
        producer.getMetadata({ topic: name, timeout: timeoutMs }, (err, data) => (err ? reject(new Error(`metadata ${name}: ${err.message}`)) : resolve(data))));
      const topic = metadata.topics.find((t) => t.name === name);
      if (topic && topic.partitions.length > 0) counts.set(name, topic.partitions.length);
    }
    return counts;
  } finally {
    await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  }
}

/** The configuration of a changelog topic for a TTL table: compacted, tombstones kept briefly. */
export function changelogTopicConfig(ttlMs: number): Record<string, string> {
  return {
    'cleanup.policy': 'compact',
    'delete.retention.ms': String(Math.max(60_000, Math.min(ttlMs, 86_400_000))),
    'min.compaction.lag.ms': '0',
    'segment.ms': String(Math.max(60_000, Math.min(ttlMs, 3_600_000))),
  };
}

/**
 * Tears a client down whatever state it is in (never connected, failed to connect, connected, or
 * marked disconnected after a broker outage): node-rdkafka registers its event-loop callbacks
 * when connecting starts and removes them only in disconnect, so a client skipped because
 * `isConnected()` said false keeps the process alive. Bounded: a broker that is gone must not
 * hang the caller.
 */
export function releaseClient(client: Kafka.Producer | Kafka.KafkaConsumer, timeoutMs = 10_000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = () => { clearTimeout(timer); resolve(); };
    if (client instanceof Kafka.KafkaConsumer || client.isConnected()) { client.disconnect(done); return; }
    // Producer#disconnect flushes first and throws when not connected; the base client's
    // disconnect only releases the native handle and its callbacks, which is what is left to do.
    const baseDisconnect = (Object.getPrototypeOf(Kafka.Producer.prototype) as { disconnect(this: Kafka.Producer, cb: () => void): void }).disconnect;
    baseDisconnect.call(client, done);
  });
}
