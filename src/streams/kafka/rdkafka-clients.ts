// The node-rdkafka client supplier. The group consumer uses classic `range` assignment: it gives
// partition i of every subscribed topic (equal partition counts) to one member, so a partition
// group is never split between workers (cooperative-sticky places topic-partitions one by one and
// does split them). `range` is eager: on every rebalance each member is revoked everything first.
import Kafka from 'node-rdkafka';
import { AckedProducer } from './acked-producer.ts';
import { releaseClient } from './admin.ts';
import { ChangelogRestorer } from './changelog-restorer.ts';
import type { ClientError, GroupConsumer, GroupListener, KafkaClientSupplier, RecordProducer, TopicPartition, TopicPartitionOffset } from './client-supplier.ts';
import { KafkaRuntimeError } from './errors.ts';
import { baseClientConfig, type ResolvedOptions } from './options.ts';
import { prepareTopics } from './prepare-topics.ts';

const ASSIGN = Kafka.CODES.ERRORS.ERR__ASSIGN_PARTITIONS;
const REVOKE = Kafka.CODES.ERRORS.ERR__REVOKE_PARTITIONS;

/** How long a client close may take (a leaving member's disconnect was seen not to call back in 15 s). */
const CLOSE_BOUND_MS = 10_000;

export function rdkafkaClientSupplier(options: ResolvedOptions): KafkaClientSupplier {
  return {
    prepareTopics: async (topology) => Math.max(...(await prepareTopics(topology, options.brokers, options)).sources.values()),
    groupConsumer: (listener) => new RdkafkaGroupConsumer(options, listener),
    producer: () => new RdkafkaRecordProducer(options),
    restorer: () => new ChangelogRestorer({ brokers: options.brokers, security: options.security, clientId: options.clientId }),
  };
}

class RdkafkaGroupConsumer implements GroupConsumer {
  readonly #consumer: Kafka.KafkaConsumer;
  readonly #listener: GroupListener;
  readonly #logger: ResolvedOptions['logger'];
  readonly #consumeTimeoutMs: number;

  constructor(o: ResolvedOptions, listener: GroupListener) {
    this.#listener = listener;
    this.#logger = o.logger;
    this.#consumeTimeoutMs = o.consumeTimeoutMs;
    this.#consumer = new Kafka.KafkaConsumer({
      ...baseClientConfig(o.brokers, o.security),
      'group.id': o.applicationId,
      'client.id': `${o.clientId}-consumer`,
      'partition.assignment.strategy': 'range',
      'enable.auto.commit': false,
      'enable.auto.offset.store': false,
      // a small prefetch: what sits in librdkafka's queue is served before a priority record
      'queued.min.messages': 1000,
      'fetch.wait.max.ms': 100,
      // librdkafka waits this long to fetch again once its queue was full (default 1 s: a stall)
      'fetch.queue.backoff.ms': 10,
      'socket.keepalive.enable': true,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1000,
      rebalance_cb: (err: Kafka.LibrdKafkaError, assignment: Kafka.Assignment[]) => this.#onRebalance(err, assignment),
      offset_commit_cb: (err: Kafka.LibrdKafkaError | undefined, offsets: Kafka.TopicPartitionOffset[]) => listener.commitAcknowledged(err ?? undefined, offsets),
      ...o.consumerConfig,
    }, { 'auto.offset.reset': 'earliest' });
    this.#consumer.on('event.error', (err) => listener.clientError(err));
  }

  async connect(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.#consumer.connect({ timeout: 30_000 }, (err) => (err
      ? reject(new KafkaRuntimeError('KAFKA_CONNECT_FAILED', `consumer connect: ${err.message}`, { cause: err }))
      : resolve())));
    this.#consumer.setDefaultConsumeTimeout(this.#consumeTimeoutMs);
  }

  subscribe(topics: readonly string[]): void {
    this.#consumer.subscribe([...topics]);
  }

  consume(max: number): Promise<Kafka.Message[]> {
    return new Promise((resolve, reject) => this.#consumer.consume(max, (err, batch) => (err ? reject(err) : resolve(batch))));
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.#consumer.pause(partitions.map(({ topic, partition }) => ({ topic, partition })));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#consumer.resume(partitions.map(({ topic, partition }) => ({ topic, partition })));
  }

  commit(offsets: readonly TopicPartitionOffset[]): void {
    this.#consumer.commit([...offsets]);
  }

  commitSync(offsets: readonly TopicPartitionOffset[]): void {
    this.#consumer.commitSync([...offsets]);
  }

  committed(partitions: readonly TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]> {
    return new Promise((resolve, reject) => this.#consumer.committed(partitions.map(({ topic, partition }) => ({ topic, partition })), timeoutMs,
      (err, offsets) => (err ? reject(err) : resolve(offsets))));
  }

  highWatermark(topic: string, partition: number): number | undefined {
    try {
      const high = this.#consumer.getWatermarkOffsets(topic, partition).highOffset;
      return high >= 0 ? high : undefined;
    } catch {
      return undefined; // not fetched yet
    }
  }

  probe(topic: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => this.#consumer.getMetadata({ topic, timeout: timeoutMs }, (err) => (err ? reject(err) : resolve())));
  }

  isConnected(): boolean {
    return this.#consumer.isConnected();
  }

  close(): Promise<void> {
    return releaseClient(this.#consumer, CLOSE_BOUND_MS);
  }

  #cooperative(): boolean {
    return this.#consumer.rebalanceProtocol() === 'COOPERATIVE';
  }

  #onRebalance(err: Kafka.LibrdKafkaError, assignment: Kafka.Assignment[]): void {
    const partitions = assignment.map(({ topic, partition }) => ({ topic, partition }));
    if (err.code === ASSIGN) {
      try {
        if (this.#cooperative()) this.#consumer.incrementalAssign(partitions);
        else this.#consumer.assign(partitions);
        // every new partition waits until its task lets it go (after its table shard is restored)
        if (partitions.length > 0) this.#consumer.pause(partitions);
      } catch (error) {
        this.#logger.error({ err: (error as Error).message }, 'assign failed');
        return;
      }
      this.#listener.assigned(partitions);
    } else if (err.code === REVOKE) {
      try {
        if (partitions.length > 0) this.#consumer.pause(partitions);
      } catch {
        // already gone from the assignment (partitions lost): nothing to pause
      }
      void this.#listener.revoked(partitions).catch(() => undefined).then(() => {
        try {
          if (this.#cooperative()) this.#consumer.incrementalUnassign(partitions);
          else this.#consumer.unassign();
        } catch (error) {
          if (this.#consumer.isConnected()) this.#logger.warn({ err: (error as Error).message }, 'unassign failed');
        }
      });
    } else {
      this.#logger.error({ err: err.message }, 'rebalance error');
    }
  }
}

class RdkafkaRecordProducer implements RecordProducer {
  readonly #producer: AckedProducer;

  constructor(o: ResolvedOptions) {
    this.#producer = new AckedProducer({
      brokers: o.brokers,
      security: o.security,
      clientId: `${o.clientId}-producer`,
      // Kafka's (Java) default partitioner, so keys land where the embedded log and Java clients put them
      topicConfig: { partitioner: 'murmur2_random' },
      librdkafka: {
        // ride out a broker restart: deliveries wait and are retried (idempotently) this long
        'message.timeout.ms': 300_000,
        ...o.producerConfig,
      },
    });
  }

  connect(): Promise<void> {
    return this.#producer.connect();
  }

  send(message: Parameters<RecordProducer['send']>[0]) {
    return this.#producer.send(message);
  }

  sendAcked(message: Parameters<RecordProducer['sendAcked']>[0], receipt: Parameters<RecordProducer['sendAcked']>[1]): void {
    this.#producer.sendAcked(message, receipt);
  }

  onClientError(listener: (err: ClientError) => void): void {
    this.#producer.client.on('event.error', listener);
  }

  disconnect(): Promise<void> {
    return this.#producer.disconnect();
  }
}
