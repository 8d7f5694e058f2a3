// Runs a topology on the in-process log with the semantics the Kafka runtime has: one consumer
// group, positions starting at the group's committed offsets, at-least-once commits of the task's
// committable offsets, priority sources served first (the others wait while these have lag),
// and backpressure by not reading a partition whose unfinished records reach a bound.
import { TaskError } from '../task/errors.ts';
import type { RecordError } from '../dsl/errors.ts';
import type { Topology } from '../dsl/topology.ts';
import type { KeyValueStore } from '../dsl/store-ref.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { InputRecord } from '../task/contract.ts';
import type { TopologyObserver } from '../task/topology-observer.ts';
import { TopologyTask } from '../task/topology-task.ts';
import type { HealthStatus, PartitionLag, RuntimeCounters, RuntimeHealth, WorkerRuntime } from '../worker-runtime.ts';
import type { StoreFactory } from '../store/store-factory.ts';
import { createStores } from './create-stores.ts';
import { PartitionedLog } from './partitioned-log.ts';

export interface EmbeddedRuntimeOptions {
  /** default: a new log whose record timestamps come from `clock` */
  log?: PartitionedLog;
  clock?: Clock;
  /** consumer group (default: the topology's applicationId) */
  group?: string;
  /** partitions of the topics the runtime creates (default 1) */
  partitions?: number;
  /** default: the TTL table */
  storeFactory?: StoreFactory;
  /** stop reading a partition while it has this many unfinished records (default 1000) */
  maxUnfinishedPerPartition?: number;
  /** stop reading at all while this many records are unfinished (default 10000) */
  maxUnfinished?: number;
  /** records handed to the task per partition per pump (default 100) */
  batchSize?: number;
  /** while started: how often expired store entries are purged (tombstones to the changelog), default 60000 */
  purgeIntervalMs?: number;
  onRecordError?: (error: RecordError, record: InputRecord) => void;
}

interface Position {
  readonly topic: string;
  readonly partition: number;
  readonly priority: boolean;
  next: number;
}

export class EmbeddedRuntime implements WorkerRuntime {
  readonly kind = 'embedded';
  readonly topology: Topology;
  readonly log: PartitionedLog;
  readonly clock: Clock;
  readonly group: string;
  readonly task: TopologyTask;
  readonly stores: Readonly<Record<string, KeyValueStore<unknown>>>;
  readonly #positions: Position[];
  readonly #maxPerPartition: number;
  readonly #maxTotal: number;
  readonly #batchSize: number;
  readonly #purgeIntervalMs: number;
  #cancelPurge: (() => void) | undefined;
  #running = false;
  #status: HealthStatus = 'starting';
  #consumed = 0;
  #commits = 0;
  #scheduled = false;
  #unsubscribe: (() => void) | undefined;
  #failure: Error | undefined;

  constructor(topology: Topology, options: EmbeddedRuntimeOptions = {}) {
    this.topology = topology;
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? new PartitionedLog({ defaultPartitions: options.partitions ?? 1, clock: () => this.clock.now() });
    this.group = options.group ?? topology.applicationId;
    this.#maxPerPartition = options.maxUnfinishedPerPartition ?? 1000;
    this.#maxTotal = options.maxUnfinished ?? 10_000;
    this.#batchSize = options.batchSize ?? 100;
    this.#purgeIntervalMs = options.purgeIntervalMs ?? 60_000;
    const partitions = options.partitions ?? 1;
    for (const topic of topology.describe().topics) this.log.createTopic(topic, this.log.hasTopic(topic) ? this.log.partitionCount(topic) : partitions);
    this.stores = createStores(topology, this.clock, this.log, options.storeFactory);
    this.task = new TopologyTask(topology, {
      clock: this.clock,
      stores: this.stores,
      producer: { send: async (record) => { this.log.append(record.topic, record); } },
      ...(options.onRecordError ? { onRecordError: options.onRecordError } : {}),
    });
    // priority sources first: the pump walks positions in this order
    this.#positions = topology.sources
      .slice()
      .sort((a, b) => Number(b.priority) - Number(a.priority))
      .flatMap((source) => Array.from({ length: this.log.partitionCount(source.topic) }, (_, partition): Position => ({
        topic: source.topic, partition, priority: source.priority, next: this.log.committed(this.group, source.topic, partition),
      })));
  }

  /** The error that stopped the runtime (an output failed), if any. */
  get failure(): Error | undefined {
    return this.#failure ?? this.task.failure;
  }

  get observer(): TopologyObserver {
    return this.task.observer;
  }

  /** Records not yet read by the group, over all source partitions. */
  backlog(priorityOnly = false): number {
    let lag = 0;
    for (const p of this.#positions) if (!priorityOnly || p.priority) lag += this.log.endOffset(p.topic, p.partition) - p.next;
    return lag;
  }

  /** Consumer lag per input partition: the log's end offset minus the group's committed offset (Kafka's definition). */
  lag(): PartitionLag[] {
    return this.topology.sources.flatMap((source) => Array.from({ length: this.log.partitionCount(source.topic) }, (_, partition) => ({
      topic: source.topic, partition, lag: this.log.endOffset(source.topic, partition) - this.log.committed(this.group, source.topic, partition),
    })));
  }

  health(): RuntimeHealth {
    const failure = this.failure;
    const status = failure ? 'failed' : this.#status;
    return {
      status, healthy: status === 'healthy', ...(failure ? { reason: failure.message } : {}), joined: true, lastContactAt: Date.now(),
      assignedPartitions: this.#positions.length, pausedPartitions: 0, restoringShards: 0, unfinished: this.task.unfinished(),
    };
  }

  counters(): RuntimeCounters {
    return { ...this.task.metrics, consumed: this.#consumed, commits: this.#commits, rebalances: 0, restored: 0, expired: 0, resumed: 0, splitGroups: 0 };
  }

  /**
   * Hands available records to the task: priority partitions first; the other sources only while
   * no priority partition has lag; a partition waits while its unfinished records are at the bound.
   * Returns how many records it handed over.
   */
  pump(): number {
    if (this.failure) return 0;
    let delivered = 0;
    let priorityLag = false;
    for (const position of this.#positions) {
      if (!position.priority && priorityLag) break;
      const end = this.log.endOffset(position.topic, position.partition);
      let budget = this.#batchSize;
      while (position.next < end && budget > 0) {
        if (this.task.unfinished(position.topic, position.partition) >= this.#maxPerPartition) break;
        if (this.task.unfinished() >= this.#maxTotal) break;
        const record = this.log.read(position.topic, position.partition, position.next, 1)[0]!;
        position.next++;
        budget--;
        delivered++;
        this.#consumed++;
        this.task.process(record).then(
          () => this.#wake(),
          (error: unknown) => { this.#failure ??= error instanceof Error ? error : new TaskError('TASK_FAILED', String(error)); },
        );
      }
      if (position.priority && position.next < end) priorityLag = true;
    }
    return delivered;
  }

  /** Commits the task's committable offsets for the group. */
  commit(): void {
    this.#commits++;
    for (const { topic, partition, offset } of this.task.committableOffsets()) this.log.commit(this.group, topic, partition, offset);
  }

  /** Appends a record to a topic of the log (what a producer outside the topology does). */
  produce(topic: string, record: { key: string | null; value: Buffer | null; headers?: Record<string, string>; timestamp?: number }): void {
    this.log.append(topic, record);
  }

  /** Runs on its own: reads whenever records arrive or finish, commits after progress. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#status = 'healthy';
    this.#unsubscribe = this.log.onAppend(() => this.#wake());
    if (this.topology.stores.length > 0) this.#schedulePurge();
    this.#wake();
  }

  /** Stops reading, waits for records in progress, commits, closes the task. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#status = 'stopping';
    this.#unsubscribe?.();
    this.#cancelPurge?.();
    try {
      await this.task.close();
    } finally {
      this.commit();
      this.#status = 'stopped';
    }
  }

  #schedulePurge(): void {
    this.#cancelPurge = this.clock.schedule(this.#purgeIntervalMs, () => {
      if (!this.#running) return;
      this.task.purgeExpired().catch((error: unknown) => { this.#failure ??= error instanceof Error ? error : new TaskError('TASK_FAILED', String(error)); });
      this.#schedulePurge();
    });
  }

  #wake(): void {
    if (!this.#running || this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (!this.#running) return;
      this.commit();
      this.pump();
    });
  }
}
