// One view of a running worker, whichever runtime runs it: what metrics, probes and the live
// topology page read. Liveness means "restarting would not help otherwise": only a failed runtime
// (an output the log refused) is not live. Readiness means "give it work": running, reachable,
// in the consumer group and with every owned table shard restored.
import type { Topology } from '../streams/dsl/topology.ts';
import type { PartitionLag, ProbeResult } from '../metrics/index.ts';
import type { TopologyObserver } from '../streams/task/index.ts';
import type { WorkerRuntime } from '../streams/worker-runtime.ts';

export interface WorkerView {
  topology: Topology;
  observer: TopologyObserver;
  lag(): PartitionLag[];
  inFlight(): number;
  deadLetters(): number;
  live(): ProbeResult;
  ready(): ProbeResult;
}

export function workerView(runtime: WorkerRuntime): WorkerView {
  return {
    topology: runtime.topology,
    observer: runtime.observer,
    lag: () => runtime.lag(),
    inFlight: () => runtime.health().unfinished,
    deadLetters: () => runtime.counters().deadLettered,
    live: () => {
      const health = runtime.health();
      return { ok: health.status !== 'failed', runtime: runtime.kind, ...health };
    },
    ready: () => {
      const health = runtime.health();
      const state = { runtime: runtime.kind, ...health };
      if (!health.healthy) return { ok: false, ...state, reason: health.reason ?? `the runtime is ${health.status}` };
      // a worker that never got an assignment callback has not joined the group yet (an empty assignment counts: it joined)
      if (!health.joined) return { ok: false, ...state, reason: 'waiting to join the consumer group' };
      if (health.restoringShards > 0) return { ok: false, ...state, reason: `${health.restoringShards} table shard(s) still restoring from the changelog` };
      return { ok: true, ...state };
    },
  };
}
