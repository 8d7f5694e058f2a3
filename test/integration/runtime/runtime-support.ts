// Helpers of the Kafka runtime's integration tests: topics for a check topology, a producer that
// partitions like Kafka's Java clients, and a collector that reads output topics in the background.
import type Kafka from 'node-rdkafka';
import { AckedProducer } from '../../../src/streams/kafka/acked-producer.ts';
import { connectConsumer, createTopic, deleteTopic, disconnect, testBrokers, uniqueName } from '../../support/kafka.ts';
import type { CheckTopics } from './fixtures/check-topology.ts';

export async function createCheckTopics(topics: CheckTopics, partitions: number): Promise<void> {
  await Promise.all([topics.requests, topics.priority, topics.status, topics.deadLetters].map((t) => createTopic(t, partitions)));
}

export async function deleteCheckTopics(topics: CheckTopics): Promise<void> {
  await Promise.all([topics.requests, topics.priority, topics.status, topics.deadLetters, topics.changelog].map(deleteTopic));
}

export interface Input {
  topic: string;
  key: string;
  value: string;
}

/** Produces with Kafka's murmur2 partitioner (the embedded log's), waiting for every ack. */
export async function produceInputs(inputs: readonly Input[]): Promise<void> {
  const producer = new AckedProducer({ brokers: testBrokers(), clientId: 'test-inputs', topicConfig: { partitioner: 'murmur2_random' } });
  await producer.connect();
  try {
    for (let i = 0; i < inputs.length; i += 5000) {
      await Promise.all(inputs.slice(i, i + 5000).map((m) => producer.send({ topic: m.topic, key: m.key, value: Buffer.from(m.value) })));
    }
  } finally {
    await producer.disconnect();
  }
}

export interface Collected {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  /** when this collector read it (performance.now()) */
  readAt: number;
}

/** Reads topics from the beginning, in the background, until closed. */
export class Collector {
  readonly messages: Collected[] = [];
  readonly #consumer: Kafka.KafkaConsumer;
  #running = true;
  readonly #done: Promise<void>;

  private constructor(consumer: Kafka.KafkaConsumer) {
    this.#consumer = consumer;
    // consume(n) waits until n messages or a gap of this long: short, or a steady stream would
    // be read back in late batches (and latencies measured through it would include that wait)
    consumer.setDefaultConsumeTimeout(1);
    this.#done = this.#loop();
  }

  static async start(topics: string[]): Promise<Collector> {
    // a topic created just before may not be in the broker's metadata yet when the subscription
    // first looks: look again every second, not after librdkafka's default five minutes
    return new Collector(await connectConsumer(uniqueName('collector'), topics, { 'fetch.wait.max.ms': 20, 'topic.metadata.refresh.interval.ms': 1000 }));
  }

  of(topic: string): Collected[] {
    return this.messages.filter((m) => m.topic === topic);
  }

  /** Waits until `predicate` holds; throws with `what` after `timeoutMs`. */
  async until(predicate: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.#running = false;
    await this.#done;
    await disconnect(this.#consumer);
  }

  async #loop(): Promise<void> {
    while (this.#running) {
      const batch = await new Promise<Kafka.Message[]>((resolve) => this.#consumer.consume(1000, (err, messages) => resolve(err ? [] : messages)));
      const now = performance.now();
      for (const m of batch) {
        const headers: Record<string, string> = {};
        for (const h of m.headers ?? []) for (const [k, v] of Object.entries(h)) headers[k] = v.toString();
        this.messages.push({
          topic: m.topic, partition: m.partition, offset: m.offset, key: m.key === undefined || m.key === null ? null : m.key.toString(),
          value: m.value === null ? null : m.value.toString(), headers, readAt: now,
        });
      }
      if (batch.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
