// Which assigned partitions should be fetched right now. Pure, so the policy is unit-tested.
// Records read from a partition wait in its queue (`held`) until its task has room: the runtime
// hands them over while the partition's unfinished records stay under maxUnfinishedPerPartition
// and (normal partitions) the total under maxUnfinished. Pausing bounds what waits:
// - a partition waits while its table shard is restoring (or it is being revoked);
// - backpressure: pause when `buffer` records wait; resume once none waits and its task has room
//   (the gap between the two is the hysteresis that keeps pause/resume from flapping, since a
//   pause throws away librdkafka's prefetched records of that partition);
// - priority: normal partitions wait while any priority partition has lag (records not yet
//   handed over, read or not), so the priority topic is drained first.

export interface PartitionFlowState {
  readonly key: string;
  readonly priority: boolean;
  /** its table shard is restored and it is not being revoked */
  readonly ready: boolean;
  /** whether it is paused now */
  readonly paused: boolean;
  /** records handed to its task, not finished */
  readonly unfinished: number;
  /** records read, waiting to be handed over */
  readonly held: number;
  /** records not yet handed over (0 when unknown) */
  readonly lag: number;
}

export interface FlowLimits {
  readonly maxUnfinishedPerPartition: number;
  /** records that may wait per partition before it is paused */
  readonly buffer: number;
}

/** The keys of the partitions to pause; every other one should be fetching. */
export function partitionsToPause(partitions: readonly PartitionFlowState[], limits: FlowLimits): Set<string> {
  const priorityLag = partitions.some((p) => p.priority && p.ready && p.lag > 0);
  const paused = new Set<string>();
  for (const p of partitions) {
    const full = p.paused
      ? p.held > 0 || p.unfinished >= limits.maxUnfinishedPerPartition
      : p.held >= limits.buffer;
    if (!p.ready || full || (!p.priority && priorityLag)) paused.add(p.key);
  }
  return paused;
}
