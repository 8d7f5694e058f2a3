// A task of the Kafka runtime: one partition group. Partition i of every source topic (requests[i],
// priority[i]), table shard i and changelog partition i belong to one task and so to one worker:
// a recheck and the scheduled requests of a source meet one table shard and one coalescing step.
import type { KeyValueStore } from '../dsl/store-ref.ts';
import type { InputRecord } from '../task/contract.ts';
import type { TopologyTask } from '../task/topology-task.ts';

/**
 * - restoring: its table shard is being rebuilt from the changelog; its inputs stay paused
 * - resuming: given back after a suspension; paused while the changelog's end is compared
 * - running: records flow
 * - suspended: revoked after every record finished; kept (with its shard) in case the next
 *   assignment gives it back, which an eager rebalance usually does
 * - closed: gone
 */
export type GroupState = 'restoring' | 'resuming' | 'running' | 'suspended' | 'closed';

export class PartitionGroupTask {
  readonly partition: number;
  readonly task: TopologyTask;
  readonly stores: Readonly<Record<string, KeyValueStore<unknown>>>;
  /** its source partitions this worker owns now, by topic */
  readonly inputs = new Map<string, InputPartition>();
  state: GroupState = 'restoring';
  /** a revoke is finishing its work: nothing more is handed over */
  revoking = false;
  /**
   * Per changelog topic, the offset after the last record of partition `partition` this shard
   * holds (restored or written and acknowledged). A suspended task whose changelog still ends
   * there missed nothing and runs on without a restore.
   */
  readonly changelogEnds = new Map<string, number>();

  constructor(partition: number, task: TopologyTask, stores: Record<string, KeyValueStore<unknown>>) {
    this.partition = partition;
    this.task = task;
    this.stores = stores;
  }

  /** its inputs may be read and handed over */
  get ready(): boolean {
    return this.state === 'running' && !this.revoking;
  }

  noteChangelogWrite(topic: string, offset: number): void {
    if (offset + 1 > (this.changelogEnds.get(topic) ?? 0)) this.changelogEnds.set(topic, offset + 1);
  }
}

/** One source partition of a partition group: read position, commits, records waiting. */
export class InputPartition {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly priority: boolean;
  /** its task (replaced when a suspended task given back turns out stale) */
  group: PartitionGroupTask;
  /** the offset after the last record read (-1: none yet) */
  next = -1;
  /**
   * Where the consumer starts reading it, when known (-1: unknown): the offset this worker
   * committed when the partition was revoked just before (an eager rebalance gives most back).
   * Records a fetch from before that revoke still delivers are not that offset, and are dropped:
   * the new fetch reads them again from the commit.
   */
  start = -1;
  /** the offset of the first record read (-1: none): where this assignment began */
  firstRead = -1;
  /**
   * Records read and not handed to the task yet (restoring, or no room), in offset order: a queue
   * whose front is `#heldHead`, so handing over a few never copies the rest.
   */
  #held: InputRecord[] = [];
  #heldHead = 0;
  /** what the consumer was last told */
  paused = true;
  /** the highest offset the broker confirmed as committed, and the highest one sent */
  committed = -1;
  commitSent = -1;

  constructor(topic: string, partition: number, priority: boolean, group: PartitionGroupTask) {
    this.key = partitionKey(topic, partition);
    this.topic = topic;
    this.partition = partition;
    this.priority = priority;
    this.group = group;
  }

  /** records waiting in the queue */
  get waiting(): number {
    return this.#held.length - this.#heldHead;
  }

  hold(record: InputRecord): void {
    this.#held.push(record);
  }

  /** Removes and returns the front of the queue. */
  takeHeld(): InputRecord | undefined {
    if (this.#heldHead >= this.#held.length) return undefined;
    const record = this.#held[this.#heldHead]!;
    this.#held[this.#heldHead++] = undefined as unknown as InputRecord; // no reference kept
    if (this.#heldHead === this.#held.length) {
      this.#held = [];
      this.#heldHead = 0;
    } else if (this.#heldHead > 1024 && this.#heldHead * 2 > this.#held.length) {
      this.#held = this.#held.slice(this.#heldHead);
      this.#heldHead = 0;
    }
    return record;
  }

  /** Where the next owner (this worker again, usually) starts reading, as far as known (-1: not known). */
  resumeOffset(): number {
    const committed = Math.max(this.committed, this.commitSent);
    return committed >= 0 ? committed : this.firstRead;
  }

  /** Per partition, its task's committable offset when it is ahead of what was committed or sent. */
  committable(): number | undefined {
    for (const c of this.group.task.committableOffsets()) {
      if (c.topic === this.topic && c.partition === this.partition) return c.offset > Math.max(this.committed, this.commitSent) ? c.offset : undefined;
    }
    return undefined;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}
