// The worker's metrics, read from the running parts at scrape time (prom-client `collect`), so
// the hot path pays nothing for them beyond the task observer's integer increments: per-node
// record counts, consumer lag, cache hits, rate limiter state, work in flight, dead letters.
import { Counter, Gauge, type Registry } from 'prom-client';
import { RATE_LIMITED_APIS, type ProviderLimiterStats, type RateLimitedApi } from '../ratelimit/index.ts';
import type { TopologyObserver } from '../streams/task/index.ts';
import type { PartitionLag } from '../streams/worker-runtime.ts';

const PREFIX = 'sources_availability_check_';

/** Which branch nodes of the topology mean a cache hit, a miss, and a deliberate bypass. */
export interface CacheNodes {
  hit: string;
  miss: readonly string[];
  bypass?: readonly string[];
}

export interface WorkerMetricsSource {
  observer: TopologyObserver;
  /** every node of the topology, so each series exists (at 0) before the first record */
  nodes: readonly string[];
  /** consumer lag per input partition */
  lag(): readonly PartitionLag[];
  /** records read and not finished yet */
  inFlight(): number;
  /** records written to a dead-letter topic since start */
  deadLetters(): number;
  limiter?: { stats(api: RateLimitedApi): ProviderLimiterStats };
  cache?: CacheNodes;
}

/** The names this module registers, for documentation and the scrape test. */
export const WORKER_METRIC_NAMES = [
  'node_records_total', 'node_errors_total', 'consumer_lag', 'records_in_flight', 'dead_letters_total',
  'cache_lookups_total', 'cache_hit_ratio',
  'ratelimit_waits_total', 'ratelimit_throttle_replies_total', 'ratelimit_rate_per_second', 'ratelimit_queued', 'checks_in_flight',
].map((name) => PREFIX + name);

function sum(observer: TopologyObserver, nodes: readonly string[] | undefined): number {
  return (nodes ?? []).reduce((total, node) => total + observer.counts(node).in, 0);
}

/**
 * Registers the worker's metrics on `registry`; values are read from `source` on every scrape.
 * @example registerWorkerMetrics(registry, { observer: runtime.task.observer, nodes, lag, inFlight, deadLetters, limiter })
 */
export function registerWorkerMetrics(registry: Registry, source: WorkerMetricsSource): void {
  const { observer, nodes } = source;
  const registers = [registry];

  new Counter({
    name: `${PREFIX}node_records_total`,
    help: 'Records through each topology node: direction "in" reached the node, "out" were passed on by it',
    labelNames: ['node', 'direction'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes) {
        const counts = observer.counts(node);
        this.inc({ node, direction: 'in' }, counts.in);
        this.inc({ node, direction: 'out' }, counts.out);
      }
    },
  });
  new Counter({
    name: `${PREFIX}node_errors_total`,
    help: 'Records that failed at each topology node (routed to the dead-letter topic or dropped)',
    labelNames: ['node'],
    registers,
    collect() {
      this.reset();
      for (const node of nodes) this.inc({ node }, observer.counts(node).errors);
    },
  });
  new Gauge({
    name: `${PREFIX}consumer_lag`,
    help: 'Records on an input partition not yet taken by the worker',
    labelNames: ['topic', 'partition'],
    registers,
    collect() {
      this.reset();
      for (const { topic, partition, lag } of source.lag()) this.set({ topic, partition: String(partition) }, lag);
    },
  });
  new Gauge({
    name: `${PREFIX}records_in_flight`,
    help: 'Input records read and not finished yet (their outputs not all acknowledged)',
    registers,
    collect() { this.set(source.inFlight()); },
  });
  new Counter({
    name: `${PREFIX}dead_letters_total`,
    help: 'Records written to the dead-letter topic',
    registers,
    collect() { this.reset(); this.inc(source.deadLetters()); },
  });

  const { cache } = source;
  if (cache) {
    new Counter({
      name: `${PREFIX}cache_lookups_total`,
      help: 'Check requests by result of the results-table lookup: hit (replayed), miss (checked), bypass (user-triggered recheck)',
      labelNames: ['result'],
      registers,
      collect() {
        this.reset();
        this.inc({ result: 'hit' }, observer.counts(cache.hit).in);
        this.inc({ result: 'miss' }, sum(observer, cache.miss));
        this.inc({ result: 'bypass' }, sum(observer, cache.bypass));
      },
    });
    new Gauge({
      name: `${PREFIX}cache_hit_ratio`,
      help: 'Hits over hits and misses since start (bypasses excluded); 0 before the first lookup',
      registers,
      collect() {
        const hits = observer.counts(cache.hit).in;
        const lookups = hits + sum(observer, cache.miss);
        this.set(lookups === 0 ? 0 : hits / lookups);
      },
    });
  }

  const { limiter } = source;
  if (limiter) {
    const perProvider = (name: string, help: string, read: (stats: ProviderLimiterStats) => number, kind: 'counter' | 'gauge') => {
      const config = { name: PREFIX + name, help, labelNames: ['type'] as const, registers };
      if (kind === 'counter') {
        new Counter({ ...config, collect() { this.reset(); for (const type of RATE_LIMITED_APIS) this.inc({ type }, read(limiter.stats(type))); } });
      } else {
        new Gauge({ ...config, collect() { for (const type of RATE_LIMITED_APIS) this.set({ type }, read(limiter.stats(type))); } });
      }
    };
    perProvider('ratelimit_waits_total', 'Cloud checks that had to wait for the rate limiter (a token or a concurrency slot)', (s) => s.waits, 'counter');
    perProvider('ratelimit_throttle_replies_total', 'Throttle replies received from the cloud', (s) => s.throttleReplies, 'counter');
    perProvider('ratelimit_rate_per_second', 'The provider bucket\'s current rate: the configured quota times this worker\'s share of the partition groups, lower after throttle replies; for iam (a quota per customer account) the configured rate of one account\'s bucket', (s) => s.currentRate, 'gauge');
    perProvider('ratelimit_queued', 'Checks waiting for the provider\'s rate limiter', (s) => s.queued, 'gauge');
    perProvider('checks_in_flight', 'Cloud calls in flight', (s) => s.inFlight, 'gauge');
  }
}
