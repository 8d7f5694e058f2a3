import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Registry } from 'prom-client';
import { registerWorkerMetrics, WORKER_METRIC_NAMES, type PartitionLag } from '../../src/metrics/index.ts';
import type { ProviderLimiterStats, RateLimitedApi } from '../../src/ratelimit/index.ts';
import { TopologyObserver } from '../../src/streams/task/index.ts';

function visit(observer: TopologyObserver, node: string, times: number, out = times, errors = 0) {
  for (let i = 0; i < times; i++) observer.recordIn(node);
  for (let i = 0; i < out; i++) observer.recordOut(node);
  for (let i = 0; i < errors; i++) observer.recordError(node);
}

function setup() {
  const observer = new TopologyObserver();
  const state = { lag: [{ topic: 'req', partition: 0, lag: 5 }, { topic: 'req', partition: 1, lag: 2 }] as PartitionLag[], inFlight: 3, deadLetters: 1 };
  const stats: Record<RateLimitedApi, ProviderLimiterStats> = {
    aws: { waits: 4, throttleReplies: 2, currentRate: 9.5, inFlight: 1, queued: 6, accountBuckets: 1 },
    azure: { waits: 0, throttleReplies: 0, currentRate: 23.75, inFlight: 0, queued: 0, accountBuckets: 0 },
    gcp: { waits: 0, throttleReplies: 0, currentRate: 9.5, inFlight: 0, queued: 0, accountBuckets: 0 },
    iam: { waits: 1, throttleReplies: 0, currentRate: 9.8, inFlight: 0, queued: 0, accountBuckets: 1 },
  };
  const registry = new Registry();
  registerWorkerMetrics(registry, {
    observer,
    nodes: ['src', 'cached', 'uncached', 'no-cache', 'check', 'never'],
    lag: () => state.lag,
    inFlight: () => state.inFlight,
    deadLetters: () => state.deadLetters,
    limiter: { stats: (provider) => stats[provider] },
    cache: { hit: 'cached', miss: ['uncached'], bypass: ['no-cache'] },
  });
  return { observer, state, registry };
}

test('a scrape reads the current values: node counts, lag per partition, cache, limiter, in flight, dead letters', async () => {
  const { observer, registry } = setup();
  visit(observer, 'src', 10);
  visit(observer, 'cached', 3);
  visit(observer, 'uncached', 1);
  visit(observer, 'no-cache', 6);
  visit(observer, 'check', 7, 6, 1);
  const text = await registry.metrics();
  const expected = [
    'sources_availability_check_node_records_total{node="src",direction="in"} 10',
    'sources_availability_check_node_records_total{node="check",direction="out"} 6',
    'sources_availability_check_node_records_total{node="never",direction="in"} 0',
    'sources_availability_check_node_errors_total{node="check"} 1',
    'sources_availability_check_node_errors_total{node="src"} 0',
    'sources_availability_check_consumer_lag{topic="req",partition="0"} 5',
    'sources_availability_check_consumer_lag{topic="req",partition="1"} 2',
    'sources_availability_check_records_in_flight 3',
    'sources_availability_check_dead_letters_total 1',
    'sources_availability_check_cache_lookups_total{result="hit"} 3',
    'sources_availability_check_cache_lookups_total{result="miss"} 1',
    'sources_availability_check_cache_lookups_total{result="bypass"} 6',
    'sources_availability_check_cache_hit_ratio 0.75',
    'sources_availability_check_ratelimit_waits_total{type="aws"} 4',
    'sources_availability_check_ratelimit_throttle_replies_total{type="aws"} 2',
    'sources_availability_check_ratelimit_rate_per_second{type="azure"} 23.75',
    'sources_availability_check_ratelimit_queued{type="aws"} 6',
    'sources_availability_check_checks_in_flight{type="aws"} 1',
  ];
  for (const line of expected) assert.ok(text.includes(`${line}\n`), `missing ${line}\n${text}`);
  for (const name of WORKER_METRIC_NAMES) assert.ok(text.includes(`# TYPE ${name} `), `no ${name}`);
});

test('values follow the runtime between scrapes; a partition no longer owned disappears', async () => {
  const { observer, state, registry } = setup();
  assert.ok((await registry.metrics()).includes('sources_availability_check_cache_hit_ratio 0\n'), 'no lookup yet: ratio 0');
  visit(observer, 'src', 2);
  state.lag = [{ topic: 'req', partition: 1, lag: 0 }];
  state.deadLetters = 4;
  const text = await registry.metrics();
  assert.ok(text.includes('sources_availability_check_node_records_total{node="src",direction="in"} 2\n'));
  assert.not.ok(text.includes('partition="0"'));
  assert.ok(text.includes('sources_availability_check_consumer_lag{topic="req",partition="1"} 0\n'));
  assert.ok(text.includes('sources_availability_check_dead_letters_total 4\n'));
});

test.run();
