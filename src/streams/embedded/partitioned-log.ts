// An in-process partitioned log: topics with partitions, offsets, keys placed by murmur2 like
// Kafka's default partitioner, and committed positions per consumer group. Nothing is persisted.
import { LogError } from './errors.ts';
import type { Headers } from '../dsl/record.ts';
import type { InputRecord } from '../task/contract.ts';
import { partitionForKey } from './murmur2.ts';

/** A record at its position in the log: exactly what a runtime hands to a task. */
export type LogRecord = InputRecord;

export interface AppendRecord {
  key: string | null;
  value: Buffer | null;
  headers?: Headers;
  /** default: the log's clock */
  timestamp?: number;
  /** default: murmur2(key) % partitions; round-robin for null keys */
  partition?: number;
}

interface TopicState {
  readonly partitions: LogRecord[][];
  /** every record in append order, across partitions (what a test reads back) */
  readonly all: LogRecord[];
  nextNullKeyPartition: number;
}

export interface PartitionedLogOptions {
  /** partitions of topics created on first append (default 1) */
  defaultPartitions?: number;
  /** timestamps of appended records without one (default Date.now) */
  clock?: () => number;
}

export class PartitionedLog {
  readonly #topics = new Map<string, TopicState>();
  readonly #committed = new Map<string, number>();
  readonly #listeners = new Set<(record: LogRecord) => void>();
  readonly #defaultPartitions: number;
  readonly #clock: () => number;

  constructor(options: PartitionedLogOptions = {}) {
    this.#defaultPartitions = checkPartitions(options.defaultPartitions ?? 1);
    this.#clock = options.clock ?? Date.now;
  }

  /** Creates a topic; a no-op when it exists with the same partition count. */
  createTopic(name: string, partitions = this.#defaultPartitions): void {
    checkPartitions(partitions);
    const existing = this.#topics.get(name);
    if (existing) {
      if (existing.partitions.length !== partitions) {
        throw new LogError('LOG_INVALID_PARTITION', `topic "${name}" exists with ${existing.partitions.length} partitions, not ${partitions}`);
      }
      return;
    }
    this.#topics.set(name, { partitions: Array.from({ length: partitions }, () => []), all: [], nextNullKeyPartition: 0 });
  }

  hasTopic(name: string): boolean {
    return this.#topics.has(name);
  }

  partitionCount(topic: string): number {
    return this.#topic(topic).partitions.length;
  }

  topics(): string[] {
    return [...this.#topics.keys()];
  }

  /** Appends one record (creating the topic if needed) and returns it with its position. */
  append(topic: string, record: AppendRecord): LogRecord {
    if (!this.#topics.has(topic)) this.createTopic(topic);
    const state = this.#topic(topic);
    if (record.value !== null && !Buffer.isBuffer(record.value)) throw new LogError('LOG_INVALID_RECORD', `${topic}: value must be a Buffer or null`);
    if (record.key !== null && typeof record.key !== 'string') throw new LogError('LOG_INVALID_RECORD', `${topic}: key must be a string or null`);
    const count = state.partitions.length;
    let partition = record.partition;
    if (partition === undefined) {
      if (record.key === null) {
        partition = state.nextNullKeyPartition;
        state.nextNullKeyPartition = (partition + 1) % count;
      } else {
        partition = partitionForKey(record.key, count);
      }
    }
    const log = state.partitions[partition];
    if (!Number.isInteger(partition) || !log) throw new LogError('LOG_INVALID_PARTITION', `${topic} has no partition ${partition}`);
    const stored: LogRecord = Object.freeze({
      topic, partition, offset: log.length, key: record.key, value: record.value,
      headers: Object.freeze({ ...record.headers }), timestamp: record.timestamp ?? this.#clock(),
    });
    log.push(stored);
    state.all.push(stored);
    for (const listener of this.#listeners) listener(stored);
    return stored;
  }

  /** Records of one partition from offset `from` on, at most `max`. */
  read(topic: string, partition: number, from: number, max = Infinity): LogRecord[] {
    const log = this.#partition(topic, partition);
    return log.slice(from, max === Infinity ? undefined : from + max);
  }

  /** The offset the next record of the partition will get. */
  endOffset(topic: string, partition: number): number {
    return this.#partition(topic, partition).length;
  }

  /** Every record of a topic in append order (empty for an unknown topic). */
  records(topic: string): readonly LogRecord[] {
    return this.#topics.get(topic)?.all ?? [];
  }

  commit(group: string, topic: string, partition: number, offset: number): void {
    this.#partition(topic, partition);
    this.#committed.set(positionKey(group, topic, partition), offset);
  }

  /** The group's committed offset (the next to read), 0 when nothing was committed. */
  committed(group: string, topic: string, partition: number): number {
    return this.#committed.get(positionKey(group, topic, partition)) ?? 0;
  }

  /** Calls `listener` after every append; returns the unsubscribe function. */
  onAppend(listener: (record: LogRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #topic(name: string): TopicState {
    const state = this.#topics.get(name);
    if (!state) throw new LogError('LOG_UNKNOWN_TOPIC', `no topic "${name}"`);
    return state;
  }

  #partition(topic: string, partition: number): LogRecord[] {
    const log = this.#topic(topic).partitions[partition];
    if (!log) throw new LogError('LOG_INVALID_PARTITION', `${topic} has no partition ${partition}`);
    return log;
  }
}

function checkPartitions(partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) throw new LogError('LOG_INVALID_PARTITION', `partition count must be an integer >= 1, got ${partitions}`);
  return partitions;
}

function positionKey(group: string, topic: string, partition: number): string {
  return `${group}\u0000${topic}\u0000${partition}`;
}
