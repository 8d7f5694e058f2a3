// One view of a running worker, whichever runtime runs it: what metrics, probes and the live
// topology page read. Liveness means "restarting would not help otherwise": only a failed runtime
// (an output the log refused) is not live. Readiness means "give it work": running, reachable
// and, on Kafka, in the consumer group with every assigned partition's table shard restored.
import type { Topology } from '../dsl/topology.ts';
import type { PartitionLag, ProbeResult } from '../metrics/index.ts';
import type { EmbeddedRuntime } from '../runtime/embedded/index.ts';
import type { KafkaRuntime } from '../runtime/kafka/index.ts';
import type { TopologyObserver } from '../runtime/task/index.ts';

export interface WorkerView {
  topology: Topology;
  observer: TopologyObserver;
  lag(): PartitionLag[];
  inFlight(): number;
  deadLetters(): number;
  live(): ProbeResult;
  ready(): ProbeResult;
}

/**
 * The embedded runtime: lag is the log's end offset minus the group's committed offset (Kafka's
 * own definition), per input partition.
 */
export function embeddedWorkerView(embedded: EmbeddedRuntime, isRunning: () => boolean): WorkerView {
  const { log, group, topology, task } = embedded;
  const failed = (): ProbeResult | undefined => {
    const failure = embedded.failure;
    return failure ? { ok: false, status: 'failed', reason: failure.message } : undefined;
  };
  return {
    topology,
    observer: task.observer,
    lag: () => topology.sources.flatMap((source) => Array.from({ length: log.partitionCount(source.topic) }, (_, partition) => ({
      topic: source.topic, partition, lag: log.endOffset(source.topic, partition) - log.committed(group, source.topic, partition),
    }))),
    inFlight: () => task.unfinished(),
    deadLetters: () => task.metrics.deadLettered,
    live: () => failed() ?? { ok: true, status: 'live', runtime: 'embedded' },
    ready: () => failed() ?? (isRunning() ? { ok: true, status: 'ready', runtime: 'embedded' } : { ok: false, status: 'stopped', reason: 'the worker is not running' }),
  };
}

export function kafkaWorkerView(runtime: KafkaRuntime): WorkerView {
  return {
    topology: runtime.topology,
    observer: runtime.observer,
    lag: () => runtime.lag(),
    inFlight: () => runtime.health().unfinished,
    deadLetters: () => runtime.counters().deadLettered,
    live: () => {
      const health = runtime.health();
      const ok = health.status !== 'failed';
      return { ok, ...health, status: health.status };
    },
    ready: () => {
      const health = runtime.health();
      if (!health.healthy) return { ok: false, ...health, reason: health.reason ?? `the runtime is ${health.status}` };
      // a worker that never got an assignment callback has not joined the group yet (an empty assignment counts: it joined)
      if (runtime.counters().rebalances === 0) return { ok: false, ...health, reason: 'waiting to join the consumer group' };
      if (health.restoringShards > 0) return { ok: false, ...health, reason: `${health.restoringShards} table shard(s) still restoring from the changelog` };
      return { ok: true, ...health };
    },
  };
}
