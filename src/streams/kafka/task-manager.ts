// The tasks this worker owns (Kafka Streams' TaskManager): assignments and revocations of source
// partitions become partition-group tasks that are created, restored, suspended, resumed and
// closed; commits of their finished prefixes; expiry of their table entries.
//
// An eager rebalance revokes everything and usually gives most of it back. A revoked task whose
// records all finished is suspended with its table shard; given back, it runs on at once when its
// changelog partition still ends where its own last write (or restore) left it, and is restored
// afresh otherwise (another worker owned it meanwhile).
import { describeError } from '../dsl/errors.ts';
import type { KeyValueStore } from '../dsl/store-ref.ts';
import type { Topology } from '../dsl/topology.ts';
import type { ChangelogPort, InputRecord, TaskMetrics } from '../task/contract.ts';
import type { TopologyObserver } from '../task/topology-observer.ts';
import { TopologyTask } from '../task/topology-task.ts';
import type { ShardRestorer } from './changelog-restorer.ts';
import type { GroupConsumer, TopicPartition } from './client-supplier.ts';
import { OffsetCommits } from './offset-commits.ts';
import type { ResolvedOptions } from './options.ts';
import { InputPartition, PartitionGroupTask, partitionKey } from './partition-group.ts';
import type { RecordCollector } from './record-collector.ts';

export interface TaskManagerOptions {
  topology: Topology;
  options: ResolvedOptions;
  collector: RecordCollector;
  restorer: ShardRestorer;
  observer: TopologyObserver;
  /** every task's onSettled */
  onSettled: (record: InputRecord, error?: Error) => void;
  /** a task became ready to run */
  onReady: () => void;
  /** the cluster answered (an acknowledged commit) */
  onContact: () => void;
  /** false once the runtime stops: no restore is retried */
  running: () => boolean;
}

export const TASK_METRICS = ['processed', 'finished', 'sent', 'deadLettered', 'dropped', 'storeWrites'] as const;

export class TaskManager {
  /** the tasks this worker owns, by partition number */
  readonly tasks = new Map<number, PartitionGroupTask>();
  /** every owned source partition, by "topic[partition]" */
  readonly inputs = new Map<string, InputPartition>();
  readonly commits: OffsetCommits;
  /** metrics of closed tasks */
  readonly closedMetrics: TaskMetrics = { processed: 0, finished: 0, sent: 0, deadLettered: 0, dropped: 0, storeWrites: 0 };
  /** moments at which an owned task lacked one of its source partitions (never, with `range`) */
  splitGroups = 0;
  /** tombstones written for expired entries */
  expired = 0;
  /** suspended tasks given back and run on without a restore */
  resumed = 0;
  readonly #o: TaskManagerOptions;
  readonly #sourceTopics: readonly string[];
  readonly #priorityTopics: ReadonlySet<string>;
  readonly #suspended = new Map<number, PartitionGroupTask>();
  /** offsets committed by the last revoke, for the assignment that follows it */
  readonly #revokedAt = new Map<string, number>();

  constructor(options: TaskManagerOptions) {
    this.#o = options;
    this.#sourceTopics = options.topology.sources.map((s) => s.topic);
    this.#priorityTopics = new Set(options.topology.sources.filter((s) => s.priority).map((s) => s.topic));
    this.commits = new OffsetCommits(this.inputs, options.options.logger, options.onContact);
  }

  /** Source partitions this worker owns now: their tasks are created, resumed or restored. */
  assigned(partitions: readonly TopicPartition[]): void {
    const starting: PartitionGroupTask[] = [];
    for (const { topic, partition } of partitions) {
      const key = partitionKey(topic, partition);
      if (this.inputs.has(key)) continue;
      let group = this.tasks.get(partition);
      if (!group) {
        group = this.#suspended.get(partition) ?? this.#create(partition);
        this.#suspended.delete(partition);
        this.tasks.set(partition, group);
        starting.push(group);
      }
      const input = new InputPartition(topic, partition, this.#priorityTopics.has(topic), group);
      input.start = this.#revokedAt.get(key) ?? -1;
      group.inputs.set(topic, input);
      this.inputs.set(key, input);
    }
    this.#revokedAt.clear();
    // suspended tasks the group gave to another worker
    for (const group of this.#suspended.values()) this.#close(group);
    this.#suspended.clear();
    for (const group of starting) {
      if (group.state === 'suspended') this.#resume(group);
      else this.#restore(group);
    }
    this.#checkGroups();
    this.#o.options.logger.info({ partitions: partitions.map((p) => partitionKey(p.topic, p.partition)), tasks: [...this.tasks.keys()] }, 'partitions assigned');
  }

  /**
   * Source partitions taken away: their tasks finish what they hold (within revokeGraceMs), the
   * finished prefix is committed, then each task with no input left is suspended (all finished)
   * or closed (work abandoned: the next owner reads it again from the commit).
   */
  async revoked(partitions: readonly TopicPartition[], consumer: GroupConsumer): Promise<void> {
    const inputs = partitions.map((p) => this.inputs.get(partitionKey(p.topic, p.partition))).filter((i) => i !== undefined);
    const groups = [...new Set(inputs.map((i) => i.group))];
    for (const group of groups) group.revoking = true;
    const drained = new Set<PartitionGroupTask>();
    if (this.#o.running()) {
      await withTimeout(Promise.all(groups.map((g) => g.task.drain().then(() => drained.add(g), () => undefined))), this.#o.options.revokeGraceMs);
    }
    const committed = this.commits.commitSync(consumer, inputs);
    this.#revokedAt.clear();
    for (const input of inputs) {
      if (committed && input.resumeOffset() >= 0) this.#revokedAt.set(input.key, input.resumeOffset());
      this.inputs.delete(input.key);
      input.group.inputs.delete(input.topic);
      input.group.task.forgetPartition(input.topic, input.partition);
    }
    for (const group of groups) {
      group.revoking = false;
      if (group.inputs.size > 0) continue;
      this.tasks.delete(group.partition);
      if (drained.has(group) && group.state === 'running' && this.#o.running()) {
        group.state = 'suspended';
        this.#suspended.set(group.partition, group);
      } else {
        this.#close(group, drained.has(group));
      }
    }
    this.#checkGroups();
    this.#o.options.logger.info({ partitions: inputs.map((i) => i.key), suspended: [...this.#suspended.keys()] }, 'partitions revoked');
  }

  /** Removes expired table entries of running tasks and writes their tombstones. */
  purgeExpired(): void {
    for (const group of this.tasks.values()) {
      if (group.state !== 'running') continue;
      for (const ref of this.#o.topology.stores) {
        for (const change of group.stores[ref.name]!.purgeExpired(10_000)) {
          this.expired++;
          this.#o.collector.writeChange(group, ref.changelogTopic, change.key, null, change.timestamp)
            .catch((error: unknown) => this.#o.options.logger.warn({ err: describeError(error) }, 'tombstone not written'));
        }
      }
    }
  }

  /** Stop: every task finishes what it holds (within shutdownGraceMs), commits, closes. */
  async closeAll(consumer: GroupConsumer | undefined): Promise<void> {
    const groups = [...this.tasks.values()];
    const drained = new Set<PartitionGroupTask>(this.#suspended.values());
    await withTimeout(Promise.all(groups.map((g) => g.task.drain().then(() => drained.add(g), () => undefined))), this.#o.options.shutdownGraceMs);
    if (consumer) this.commits.commitSync(consumer, this.inputs.values());
    for (const group of [...groups, ...this.#suspended.values()]) this.#close(group, drained.has(group));
    this.tasks.clear();
    this.#suspended.clear();
    this.inputs.clear();
  }

  /** Metrics of every task since start (closed ones included). */
  metrics(): TaskMetrics {
    const out = { ...this.closedMetrics };
    for (const group of [...this.tasks.values(), ...this.#suspended.values()]) addMetrics(out, group.task.metrics);
    return out;
  }

  #create(partition: number): PartitionGroupTask {
    const { topology, options } = this.#o;
    const stores: Record<string, KeyValueStore<unknown>> = {};
    for (const ref of topology.stores) stores[ref.name] = options.storeFactory(ref, () => options.clock.now());
    // the port needs the task's group, which needs the task: made once the group exists
    const made: { port?: ChangelogPort } = {};
    const changelog: ChangelogPort = (change) => made.port!(change);
    const task = new TopologyTask(topology, {
      clock: options.clock,
      producer: this.#o.collector.producerPort,
      stores,
      changelog,
      observer: this.#o.observer,
      onSettled: this.#o.onSettled,
      ...(options.onRecordError ? { onRecordError: options.onRecordError } : {}),
    });
    const group = new PartitionGroupTask(partition, task, stores);
    made.port = this.#o.collector.changelogPort(group);
    return group;
  }

  /**
   * Closes a task. One whose records did not all finish gives them up (`abandon`): their offsets
   * stay uncommitted, and nothing it still had running writes outputs or table entries.
   */
  #close(group: PartitionGroupTask, finished = true): void {
    if (group.state === 'closed') return;
    group.state = 'closed';
    addMetrics(this.closedMetrics, group.task.metrics);
    if (finished) group.task.close().catch(() => undefined);
    else group.task.abandon();
  }

  /** Rebuilds the task's table shard from its changelog partition, then lets it run. */
  #restore(group: PartitionGroupTask): void {
    const { topology, options, restorer } = this.#o;
    group.state = 'restoring';
    const started = Date.now();
    const targets = topology.stores.map((ref) => ({ topic: ref.changelogTopic, store: group.stores[ref.name]! }));
    restorer.restore(group.partition, targets, () => group.state !== 'restoring').then((result) => {
      if (group.state !== 'restoring') return;
      for (const [topic, end] of result.positions) group.changelogEnds.set(topic, end);
      group.state = 'running';
      options.logger.info({ partition: group.partition, records: result.records, ms: Date.now() - started }, 'table shard restored');
      this.#o.onReady();
    }, (error: unknown) => {
      if (group.state !== 'restoring') return;
      options.logger.warn({ partition: group.partition, err: describeError(error) }, 'table shard restore failed; retrying');
      const timer = setTimeout(() => { if (group.state === 'restoring' && this.#o.running()) this.#restore(group); }, 1000);
      timer.unref();
    });
  }

  /** A suspended task given back: runs on if nobody wrote its changelog since, else starts afresh. */
  #resume(group: PartitionGroupTask): void {
    group.state = 'resuming';
    const topics = this.#o.topology.stores.map((ref) => ref.changelogTopic);
    this.#o.restorer.endOffsets(group.partition, topics).then((ends) => {
      if (group.state !== 'resuming') return;
      const current = topics.every((t) => ends.get(t) === (group.changelogEnds.get(t) ?? 0));
      this.#o.options.logger.info({ partition: group.partition, current, ends: Object.fromEntries(ends), known: Object.fromEntries(group.changelogEnds) }, current ? 'task resumed with its table shard' : 'task given back with a stale table shard: restoring');
      if (current) {
        group.state = 'running';
        this.resumed++;
        this.#o.onReady();
      } else {
        this.#replace(group);
      }
    }, () => {
      if (group.state === 'resuming') this.#replace(group);
    });
  }

  /** A fresh task with a fresh shard takes the inputs of `stale`, which is closed. */
  #replace(stale: PartitionGroupTask): void {
    const fresh = this.#create(stale.partition);
    for (const input of stale.inputs.values()) {
      input.group = fresh;
      fresh.inputs.set(input.topic, input);
    }
    stale.inputs.clear();
    this.#close(stale);
    this.tasks.set(fresh.partition, fresh);
    this.#restore(fresh);
  }

  /** Counts an owned task lacking one of its source partitions, and says so. */
  #checkGroups(): void {
    for (const group of this.tasks.values()) {
      if (group.inputs.size === this.#sourceTopics.length) continue;
      this.splitGroups++;
      this.#o.options.logger.warn({ partition: group.partition, owned: [...group.inputs.keys()] }, 'a partition group is split between workers: check partition.assignment.strategy (range keeps groups whole)');
    }
  }
}

export function addMetrics(target: TaskMetrics, source: TaskMetrics): void {
  for (const key of TASK_METRICS) target[key] += source[key];
}

/** Waits for `promise` at most `ms`. */
export async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}
