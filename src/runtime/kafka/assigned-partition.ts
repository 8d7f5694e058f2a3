// One input partition this worker owns: its task (offsets, in-flight records) and the table shard
// it shares with the other source topics' partition of the same number.
import type { InputRecord } from '../task/contract.ts';
import type { TopologyTask } from '../task/topology-task.ts';
import type { TableShard } from './table-shards.ts';

export class AssignedPartition {
  readonly key: string;
  readonly topic: string;
  readonly partition: number;
  readonly priority: boolean;
  readonly task: TopologyTask;
  shard: TableShard;
  /** the offset after the last record handed over (-1: none yet) */
  next = -1;
  /**
   * Records read and not handed to the task yet (its shard restoring, or no room), in offset
   * order: a queue whose front is `#heldHead`, so handing over a few never copies the rest.
   */
  #held: InputRecord[] = [];
  #heldHead = 0;
  /** what the consumer was last told */
  paused = false;
  revoking = false;
  /** the highest offset the broker confirmed as committed, and the highest one sent */
  committed = -1;
  commitSent = -1;

  constructor(topic: string, partition: number, priority: boolean, task: TopologyTask, shard: TableShard) {
    this.key = partitionKey(topic, partition);
    this.topic = topic;
    this.partition = partition;
    this.priority = priority;
    this.task = task;
    this.shard = shard;
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
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}
