// Which assigned partitions should be fetched right now. Pure, so the policy is unit-tested:
// - a partition waits while its table shard is restoring or it is being revoked;
// - backpressure: it waits while its unfinished records reach the per-partition bound, and every
//   normal partition waits while the total reaches the global bound (priority partitions keep
//   their per-partition bound only, so a backlog in flight never holds a priority record back);
// - priority: normal partitions wait while any priority partition has lag (records not yet read).

export interface PartitionFlowState {
  readonly key: string;
  readonly priority: boolean;
  /** its table shard is restored and it is not being revoked */
  readonly ready: boolean;
  readonly unfinished: number;
  /** records on the broker not yet read (0 when unknown) */
  readonly lag: number;
}

export interface FlowLimits {
  readonly maxUnfinishedPerPartition: number;
  readonly maxUnfinished: number;
}

/** The keys of the partitions to pause; every other one should be fetching. */
export function partitionsToPause(partitions: readonly PartitionFlowState[], limits: FlowLimits): Set<string> {
  let total = 0;
  let priorityLag = false;
  for (const p of partitions) {
    total += p.unfinished;
    if (p.priority && p.ready && p.lag > 0) priorityLag = true;
  }
  const overTotal = total >= limits.maxUnfinished;
  const paused = new Set<string>();
  for (const p of partitions) {
    if (!p.ready || (overTotal && !p.priority) || p.unfinished >= limits.maxUnfinishedPerPartition || (!p.priority && priorityLag)) paused.add(p.key);
  }
  return paused;
}
