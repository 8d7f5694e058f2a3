// The contract between a topology task and the runtime that feeds it (embedded log or Kafka).
//
// The runtime owns the log: it polls records, calls `task.process(record)` for each one in offset
// order per partition, sends what the task hands to `producer.send` and acknowledges it by
// resolving the returned promise, and commits `task.committableOffsets()` whenever it likes.
// Guarantees the task gives back:
// - At-least-once: an offset is committable only when the record and every record before it in its
//   partition are finished: all outputs they caused acknowledged, all store writes acknowledged,
//   dead letters included. Offsets never pass an unfinished record.
// - Per-record errors (decode, a throwing step, retries exhausted) never escape: they go to a
//   dead-letter sink (or are dropped and reported through `onRecordError` when there is none).
// - A producer or changelog port that rejects is not a record error: the task turns failed, the
//   record stays unfinished (its offset is never committable), `process` throws TASK_FAILED from
//   then on, and the runtime should stop and restart from its last commit.
// - Backpressure: `task.unfinished()` / `task.load()` count records not yet finished, so the
//   runtime can pause a partition (or a whole topic) above a threshold and resume below it.
// - Rebalance: on revocation, await `task.drainPartition(t, p)`, commit, then
//   `task.forgetPartition(t, p)`; a partition assigned again may then restart at its commit.
// - Priority: sources built with `priority: true` must be served first by the runtime
//   (`topology.sourceTopicsByPriority()`); the task itself processes what it is given, in order.
import type { RecordError } from '../dsl/errors.ts';
import type { KeyValueStore } from '../dsl/store-ref.ts';
import type { Headers } from '../dsl/record.ts';
import type { TopologyObserver } from './topology-observer.ts';
import type { Clock } from '../clock.ts';

/** One record as the runtime read it from a log. Offsets must increase within a partition. */
export interface InputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  /** ms since epoch (the log's record timestamp) */
  readonly timestamp: number;
}

/** One record for the runtime to write. No partition: the runtime partitions by key (murmur2). */
export interface OutputRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
  readonly timestamp: number;
}

/** Told once per output handed to `ProducerPort.sendAcked`: exactly one of the two, once. */
export interface DeliveryReceipt {
  delivered(): void;
  failed(error: unknown): void;
}

/** The output port. Resolve when the log acknowledged the record (Kafka: the delivery report). */
export interface ProducerPort {
  send(record: OutputRecord): Promise<void>;
  /**
   * Optional promise-free form of `send` (the task prefers it when present): call
   * `receipt.delivered()` when the log acknowledged the record, `receipt.failed(error)` when it
   * refused it. A throw counts as a refusal. It saves a promise and two reactions per output.
   */
  sendAcked?(record: OutputRecord, receipt: DeliveryReceipt): void;
}

/** One store write on its way to the store's changelog topic (value null = tombstone). */
export interface ChangelogRecord {
  readonly store: string;
  readonly topic: string;
  readonly key: string;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** The store-change port. Default: `producer.send` to the changelog topic, key = store key. */
export type ChangelogPort = (record: ChangelogRecord) => Promise<void>;

export interface TaskOptions {
  /** `now` for stores and contexts, `schedule` for mapAsync timeouts and backoff */
  clock: Clock;
  producer: ProducerPort;
  /** one store per store the topology declares, by name, already restored by the runtime */
  stores?: Readonly<Record<string, KeyValueStore<unknown>>>;
  changelog?: ChangelogPort;
  /** told about every per-record error (also the ones routed to a dead-letter sink) */
  onRecordError?: (error: RecordError, record: InputRecord) => void;
  /** per-node counts and output events; pass one observer to several tasks to count their totals */
  observer?: TopologyObserver;
  /**
   * Told, synchronously, when a record finished (`error` undefined) or when an output of it was
   * refused (`error` set: the task is failed from then on). What a runtime feeding the task with
   * `submit` (no promise per record) listens to; records fed with `process` are told too.
   */
  onSettled?: (record: InputRecord, error?: Error) => void;
}

/** Kafka's meaning: the next offset to read, i.e. every offset below it is finished. */
export interface CommittableOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionLoad {
  readonly topic: string;
  readonly partition: number;
  readonly unfinished: number;
}

/** Counters since the task was created. */
export interface TaskMetrics {
  processed: number;
  finished: number;
  sent: number;
  deadLettered: number;
  /** per-record errors with no dead-letter sink to go to */
  dropped: number;
  storeWrites: number;
}
