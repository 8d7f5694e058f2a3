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
  /** records read while the shard was restoring, processed in order once it is ready */
  held: InputRecord[] = [];
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
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}[${partition}]`;
}
