// The assembled service's operations surface after an end-to-end run: every metric series the
// README lists, with the values this run must have produced, and the probes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHECK_DURATION_METRIC, CHECK_REQUESTS_METRIC, WORKER_METRIC_NAMES } from '../../src/metrics/index.ts';
import { runScenario, type Scenario } from './observability-scenario.ts';

let scenario: Scenario;
let scrape: string;

test.before(async () => {
  scenario = await runScenario();
  const response = await fetch(`${scenario.service.metrics.url}/metrics`);
  assert.is(response.status, 200);
  scrape = await response.text();
});

test.after(async () => {
  await scenario?.stop();
});

/** The value of the one sample `series` (name with labels, as exposed), or undefined. */
function sample(series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('the scrape has every listed series', () => {
  const names = [
    CHECK_REQUESTS_METRIC, CHECK_DURATION_METRIC, ...WORKER_METRIC_NAMES,
    'sources_availability_check_ingress_requests_total', 'sources_availability_check_ingress_publish_seconds',
    'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds',
  ];
  for (const name of names) assert.match(scrape, new RegExp(`^# TYPE ${name} `, 'm'), `no ${name} in the scrape`);
});

test('cloud calls under the first implementation\'s names: every provider and outcome, the throttled AWS attempt', () => {
  for (const type of ['aws', 'azure', 'gcp']) {
    assert.ok((sample(`${CHECK_REQUESTS_METRIC}{type="${type}",status="available",error=""}`) ?? 0) >= 1, `${type} available`);
    assert.ok((sample(`${CHECK_DURATION_METRIC}_count{type="${type}",error=""}`) ?? 0) >= 1, `${type} duration`);
  }
  assert.is(sample(`${CHECK_REQUESTS_METRIC}{type="aws",status="unavailable",error="access_denied"}`), 1);
  assert.is(sample(`${CHECK_REQUESTS_METRIC}{type="azure",status="unavailable",error="not_found"}`), 1);
  assert.ok((sample(`${CHECK_REQUESTS_METRIC}{type="aws",status="transient",error="throttled"}`) ?? 0) >= 1, 'the emulated quota throttled one AWS call');
  assert.ok((sample('sources_availability_check_ratelimit_throttle_replies_total{type="aws"}') ?? 0) >= 1);
  assert.is(sample('sources_availability_check_ratelimit_throttle_replies_total{type="gcp"}'), 0);
  assert.ok((sample('sources_availability_check_ratelimit_rate_per_second{type="aws"}') ?? Infinity) < 95, 'the AWS bucket slowed down after the throttle');
  assert.is(sample('sources_availability_check_checks_in_flight{type="aws"}'), 0);
});

test('per-node counts, cache lookups, dead letters, lag and work in flight match the run', () => {
  const node = (name: string, direction: 'in' | 'out') => sample(`sources_availability_check_node_records_total{node="${name}",direction="${direction}"}`);
  const demo = scenario.emulators.demo.length;
  assert.is(node('requests-source', 'in'), demo + 3, 'demo sources, the repeat, the unknown source, the undecodable record');
  assert.is(node('priority-source', 'in'), 1);
  assert.is(node('status-sink', 'out'), demo + 2);
  assert.is(scenario.statusCount, demo + 2);
  assert.is(node('drop-unaddressable', 'in'), 1);
  assert.is(node('dead-letter-sink', 'in'), 1);
  assert.is(sample('sources_availability_check_node_errors_total{node="requests-source"}'), 1, 'the decode failure counts at the source');
  assert.is(sample('sources_availability_check_dead_letters_total'), 1);
  assert.is(sample('sources_availability_check_cache_lookups_total{result="hit"}'), 1);
  assert.is(sample('sources_availability_check_cache_lookups_total{result="miss"}'), demo + 1);
  assert.is(sample('sources_availability_check_cache_lookups_total{result="bypass"}'), 1);
  assert.is(sample('sources_availability_check_cache_hit_ratio'), 1 / (demo + 2));
  const { requests, priority } = scenario.config.topics;
  for (const topic of [requests, priority]) {
    for (let partition = 0; partition < 4; partition++) assert.is(sample(`sources_availability_check_consumer_lag{topic="${topic}",partition="${partition}"}`), 0);
  }
  assert.is(sample('sources_availability_check_records_in_flight'), 0);
  assert.is(sample('sources_availability_check_ingress_requests_total{route="check",status="202"}'), demo + 2);
});

test('probes: the worker\'s /healthz and /readyz answer 200 with each part; the ingress keeps its own', async () => {
  for (const path of ['/healthz', '/readyz']) {
    const response = await fetch(`${scenario.service.metrics.url}${path}`);
    assert.is(response.status, 200, path);
    const body = await response.json() as { ok: boolean; parts: Record<string, { ok: boolean; runtime?: string }> };
    assert.is(body.ok, true);
    assert.equal(Object.keys(body.parts).sort(), ['ingress', 'worker']);
    assert.is(body.parts.worker!.runtime, 'embedded');
  }
  const ingress = await fetch(`${scenario.service.ingress!.url}/readyz`);
  assert.is(ingress.status, 200);
  await ingress.arrayBuffer();
});

test.run();
