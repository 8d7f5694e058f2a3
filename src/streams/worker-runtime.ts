// What every runtime offers the worker around it (the embedded log's and Kafka's): start and
// stop, health, consumer lag, counters and the topology observer. The service, its metrics, probes
// and live page assemble a worker against this interface, whichever runtime runs the topology.
import type { Topology } from './dsl/topology.ts';
import type { TaskMetrics } from './task/contract.ts';
import type { TopologyObserver } from './task/topology-observer.ts';

export type HealthStatus = 'starting' | 'healthy' | 'unhealthy' | 'failed' | 'stopping' | 'stopped';

export interface RuntimeHealth {
  readonly status: HealthStatus;
  readonly healthy: boolean;
  /** why it is not healthy */
  readonly reason?: string;
  /** in its consumer group (Kafka: after the first assignment, even an empty one; embedded: always) */
  readonly joined: boolean;
  /** last successful contact with the log, ms since epoch (0: never) */
  readonly lastContactAt: number;
  readonly assignedPartitions: number;
  readonly pausedPartitions: number;
  readonly restoringShards: number;
  readonly unfinished: number;
}

/** Records of an input partition the worker owns that are not finished: end offset − committed. */
export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly lag: number;
}

export interface RuntimeCounters extends TaskMetrics {
  /** records read from the source topics (duplicates after a rebalance included) */
  consumed: number;
  commits: number;
  rebalances: number;
  /** changelog records applied to table shards */
  restored: number;
  /** tombstones written for expired entries */
  expired: number;
  /** tasks given back after a revoke that ran on without a restore */
  resumed: number;
  /** moments an owned partition group lacked one of its source partitions (0 with range assignment) */
  splitGroups: number;
}

export interface WorkerRuntime {
  readonly kind: 'embedded' | 'kafka';
  readonly topology: Topology;
  /** per-node counts and outputs of every task the runtime runs */
  readonly observer: TopologyObserver;
  /** the error that failed the runtime (an output the log refused), if any */
  readonly failure: Error | undefined;
  start(): void | Promise<void>;
  /** stops reading, lets records in progress finish (bounded), commits, closes */
  stop(): Promise<void>;
  health(): RuntimeHealth;
  lag(): PartitionLag[];
  counters(): RuntimeCounters;
}
