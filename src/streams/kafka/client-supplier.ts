// The Kafka clients the runtime uses, as narrow interfaces, and the supplier that makes them
// (node-rdkafka in production, fakes in unit tests): the group consumer, the producer and the
// changelog restorer. The runtime never constructs a client itself.
import type Kafka from 'node-rdkafka';
import type { Topology } from '../dsl/topology.ts';
import type { Delivery, DeliveryReceipt, OutgoingMessage } from './acked-producer.ts';
import type { ShardRestorer } from './changelog-restorer.ts';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: number;
}

/** An error a client reports (librdkafka's carry a code). */
export interface ClientError {
  readonly message: string;
  readonly code?: number;
}

/** What the group consumer tells the runtime. */
export interface GroupListener {
  /** partitions now owned (already paused: the runtime resumes them when their task is ready) */
  assigned(partitions: readonly TopicPartition[]): void;
  /**
   * Partitions being taken away (already paused). The consumer lets the group go on only once the
   * returned promise settled: work of these partitions must be finished or abandoned and committed.
   */
  revoked(partitions: readonly TopicPartition[]): Promise<void>;
  /** an asynchronous commit was acknowledged (err undefined) or refused */
  commitAcknowledged(err: ClientError | undefined, offsets: readonly TopicPartitionOffset[]): void;
  /** a client error ('event.error') */
  clientError(err: ClientError): void;
}

/** The consumer of the application's group: subscribes, polls, pauses, commits. */
export interface GroupConsumer {
  connect(): Promise<void>;
  subscribe(topics: readonly string[]): void;
  /** up to `max` messages (waits at most the consume timeout for the first one) */
  consume(max: number): Promise<Kafka.Message[]>;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** sends without waiting; commitAcknowledged tells the outcome */
  commit(offsets: readonly TopicPartitionOffset[]): void;
  /** commits and waits for the broker; throws when it refused */
  commitSync(offsets: readonly TopicPartitionOffset[]): void;
  /** the group's committed offsets of `partitions` */
  committed(partitions: readonly TopicPartition[], timeoutMs: number): Promise<TopicPartitionOffset[]>;
  /** the end offset the client last saw (undefined: not fetched yet) */
  highWatermark(topic: string, partition: number): number | undefined;
  /** a metadata round trip: resolves when the cluster answered */
  probe(topic: string, timeoutMs: number): Promise<void>;
  isConnected(): boolean;
  /** leaves the group and releases the client, within a bound even when the cluster is gone */
  close(): Promise<void>;
}

/** The idempotent producer whose acknowledgements finish records. */
export interface RecordProducer {
  connect(): Promise<void>;
  send(message: OutgoingMessage): Promise<Delivery>;
  sendAcked(message: OutgoingMessage, receipt: DeliveryReceipt): void;
  onClientError(listener: (err: ClientError) => void): void;
  /** flushes what is queued and releases the client, within a bound */
  disconnect(): Promise<void>;
}

/** Makes the runtime's clients: Kafka Streams' KafkaClientSupplier. */
export interface KafkaClientSupplier {
  /** The admin's part: creates missing topics, checks co-partitioning; resolves with the partition count of the source topics. */
  prepareTopics(topology: Topology): Promise<number>;
  groupConsumer(listener: GroupListener): GroupConsumer;
  producer(): RecordProducer;
  restorer(): ShardRestorer;
}
