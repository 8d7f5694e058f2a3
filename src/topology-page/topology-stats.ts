// What the live page polls: per node its counts and throughput, per topic the consumer lag, keyed
// by the element ids of the diagram. Throughput is records out per second over the last few
// seconds of samples (taken when the page polls), so no timer runs while nobody looks.
import type { TopologyObserver } from '../streams/task/index.ts';
import type { PartitionLag } from '../metrics/index.ts';

export interface NodeStats {
  name: string;
  in: number;
  out: number;
  errors: number;
  /** records out per second, over the sampling window */
  perSecond: number;
}

export interface TopicStats {
  name: string;
  lag: number;
}

export interface StatsSnapshot {
  /** ms since epoch */
  at: number;
  /** by element id */
  nodes: Record<string, NodeStats>;
  /** by element id, for the topics the worker reads */
  topics: Record<string, TopicStats>;
}

export interface TopologyStatsOptions {
  observer: TopologyObserver;
  nodeIds: ReadonlyMap<string, string>;
  topicIds: ReadonlyMap<string, string>;
  lag(): readonly PartitionLag[];
  /** default Date.now */
  now?: () => number;
  /** throughput window, default 5000 ms */
  windowMs?: number;
}

interface Sample {
  at: number;
  out: Map<string, number>;
}

export class TopologyStats {
  readonly #options: TopologyStatsOptions;
  readonly #now: () => number;
  readonly #windowMs: number;
  #samples: Sample[] = [];

  constructor(options: TopologyStatsOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#windowMs = options.windowMs ?? 5000;
  }

  snapshot(): StatsSnapshot {
    const { observer, nodeIds, topicIds } = this.#options;
    const at = this.#now();
    const sample: Sample = { at, out: new Map() };
    for (const name of nodeIds.keys()) sample.out.set(name, observer.counts(name).out);
    // the oldest sample still inside the window is the base of the rate
    this.#samples = this.#samples.filter((s) => at - s.at <= this.#windowMs);
    const base = this.#samples[0];
    this.#samples.push(sample);
    const seconds = base ? (at - base.at) / 1000 : 0;

    const nodes: Record<string, NodeStats> = {};
    for (const [name, id] of nodeIds) {
      const counts = observer.counts(name);
      const delta = counts.out - (base?.out.get(name) ?? counts.out);
      nodes[id] = { name, ...counts, perSecond: seconds > 0 ? delta / seconds : 0 };
    }
    const topics: Record<string, TopicStats> = {};
    const lagByTopic = new Map<string, number>();
    for (const { topic, lag } of this.#options.lag()) lagByTopic.set(topic, (lagByTopic.get(topic) ?? 0) + lag);
    for (const [name, id] of topicIds) {
      const lag = lagByTopic.get(name);
      if (lag !== undefined) topics[id] = { name, lag };
    }
    return { at, nodes, topics };
  }
}
