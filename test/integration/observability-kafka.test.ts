// The service's operations surface on a real Kafka broker, as an orchestrator and Prometheus see
// it over METRICS_PORT: /readyz turns 200 only once the worker joined its consumer group and
// restored its table shards; after an end-to-end check /metrics shows consumer lag per input
// partition, the topology's node counts and the first implementation's cloud-call counter; and
// when the broker goes away /readyz turns 503 while /healthz stays 200 (restarting would not
// help), then both recover and a new check is answered.
// The outage runs on a broker of its own (test/kafka/broker.sh on port KAFKA_OBSERVABILITY_PORT,
// default 19792) so that no other test sees it; that part is left out when the suite was given an
// outside broker through KAFKA_BROKERS (then there may be no local Kafka to stop and start).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type Kafka from 'node-rdkafka';
import { CHECK_REQUESTS_METRIC } from '../../src/metrics/index.ts';
import { connectConsumer, consumeExactly, createTopic, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { kafkaServiceEnv, startServiceUnderTest, type ServiceUnderTest } from '../support/service.ts';

const run = promisify(execFile);
const brokerScript = path.resolve(import.meta.dirname, '../kafka/broker.sh');
const outagePort = Number(process.env.KAFKA_OBSERVABILITY_PORT ?? 19792);
/** input partitions of the request and priority topics (co-partitioned) */
const PARTITIONS = 3;
const PREFIX = 'sources_availability_check_';

const description = process.env.KAFKA_BROKER_DESCRIPTION ?? '';
const outside = process.env.KAFKA_BROKERS !== undefined && !description.includes('project KRaft broker') && !description.includes('testcontainers');

interface Probe { status: number; body: { ok: boolean; status: string; reason?: string; parts: Record<string, Record<string, unknown>> } }

async function probe(sut: ServiceUnderTest, route: '/readyz' | '/healthz'): Promise<Probe> {
  const response = await fetch(`${sut.service.metrics.url}${route}`);
  return { status: response.status, body: await response.json() as Probe['body'] };
}

async function scrape(sut: ServiceUnderTest): Promise<string> {
  const response = await fetch(`${sut.service.metrics.url}/metrics`);
  assert.is(response.status, 200, '/metrics answers');
  return response.text();
}

/** The value of the one sample `series` (name with labels, as exposed), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Calls `read` every 100 ms until `done` holds for its answer; fails after timeoutMs with the last answer. */
async function pollUntil<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function statusReader(sut: ServiceUnderTest, brokers: string): Promise<Kafka.KafkaConsumer> {
  return connectConsumer(uniqueName('obs-status-reader'), [sut.config.topics.status], { 'bootstrap.servers': brokers });
}

function demoSource(sut: ServiceUnderTest, provider: string, expected: string) {
  const found = sut.emulators.demo.find((d) => d.provider === provider && d.expected === expected);
  if (!found) throw new Error(`no demo source for ${provider} ${expected}`);
  return found;
}

// --- on the suite's broker: readiness after start, the scrape after a check --------------------

const onBroker = suite('on the suite\'s broker');
let env: Record<string, string>;
let sut: ServiceUnderTest;
let reader: Kafka.KafkaConsumer;

onBroker.before(async () => {
  console.log(`broker: ${description || testBrokers()}`);
  env = kafkaServiceEnv(testBrokers(), uniqueName('obs'));
  // more than one input partition, so that lag is visibly per partition (the runtime creates absent topics with one)
  await createTopic(env.TOPIC_REQUESTS!, PARTITIONS);
  await createTopic(env.TOPIC_PRIORITY!, PARTITIONS);
  sut = await startServiceUnderTest(env);
  reader = await statusReader(sut, testBrokers());
});

onBroker.after(async () => {
  if (reader) await disconnect(reader);
  await sut?.stop();
});

onBroker('/readyz turns 200 once the worker joined the group and restored every shard; /healthz is 200', async () => {
  const ready = await pollUntil('/readyz 200', () => probe(sut, '/readyz'), (p) => p.status === 200, 30_000);
  const worker = ready.body.parts.worker!;
  assert.is(ready.body.ok, true);
  assert.is(worker.status, 'healthy');
  assert.is(worker.assignedPartitions, 2 * PARTITIONS, 'the only member owns every request and priority partition');
  assert.is(worker.restoringShards, 0, 'no shard still restoring');
  assert.equal(sut.service.kafka!.assignment().length, 2 * PARTITIONS);
  assert.ok(sut.service.kafka!.counters().rebalances >= 1, 'ready only after an assignment callback');
  const live = await probe(sut, '/healthz');
  assert.is(live.status, 200);
  assert.equal(Object.keys(live.body.parts).sort(), ['ingress', 'worker']);
  // a worker also serves its live topology page on the same port
  const page = await fetch(`${sut.service.metrics.url}/topology`);
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<svg/);
});

onBroker('after an end-to-end check: lag per input partition (1 while in flight, then 0), node counts, the cloud-call counter', async () => {
  const aws = demoSource(sut, 'aws', 'available');
  const gcp = demoSource(sut, 'gcp', 'unavailable');
  // a slow cloud keeps the GCP record unfinished long enough to see it as lag on its partition
  sut.emulators.gcp.setMode(gcp.accountRef, { slow: 2500, then: 'denied' });
  const { requests, priority } = sut.config.topics;
  const lagOf = (text: string, topic: string) => Array.from({ length: PARTITIONS }, (_, p) => sample(text, `${PREFIX}consumer_lag{topic="${topic}",partition="${p}"}`));

  assert.is(await sut.post(gcp.sourceId), 202);
  // lag counts from the committed offset, so it is 1 from the broker's append (before the worker
  // even reads the record) until the commit after its output; in flight only once it was read
  // the lag of a partition appears once librdkafka has its watermarks (its first fetch answer for
  // that partition), which may come a moment after the record is in flight
  const during = await pollUntil('the slow record to be read and show as lag', () => scrape(sut),
    (text) => sample(text, `${PREFIX}records_in_flight`) === 1 && lagOf(text, requests).every((lag) => lag !== undefined), 10_000);
  assert.equal(lagOf(during, requests).filter((lag) => lag !== 0), [1], 'one partition holds the unfinished record, the others report 0');

  assert.is(await sut.post(aws.sourceId), 202);
  const statuses = await consumeExactly(reader, 2, 30_000);
  assert.equal(statuses.map((m) => m.key?.toString()).sort(), [aws.applicationId, gcp.applicationId].sort());

  // offsets are committed shortly after the outputs are acknowledged: every partition reports, at 0
  const text = await pollUntil('lag 0 on every input partition', () => scrape(sut),
    (t) => [...lagOf(t, requests), ...lagOf(t, priority)].every((lag) => lag === 0), 10_000);
  for (const topic of [requests, priority]) assert.equal(lagOf(text, topic), [0, 0, 0], `${topic}: one series per partition`);
  assert.is(sample(text, `${PREFIX}records_in_flight`), 0);

  const node = (name: string, direction: 'in' | 'out') => sample(text, `${PREFIX}node_records_total{node="${name}",direction="${direction}"}`);
  assert.is(node('requests-source', 'in'), 2);
  assert.is(node('priority-source', 'in'), 0, 'every node has its series before its first record');
  assert.is(node('status-sink', 'out'), 2);
  assert.is(node('dead-letter-sink', 'in'), 0);
  assert.is(sample(text, `${PREFIX}node_errors_total{node="requests-source"}`), 0);
  assert.is(sample(text, `${PREFIX}cache_lookups_total{result="miss"}`), 2);

  // AssumeRole, then the permission check's IAM reads of the demo role (one attached, one inline policy): 1 + 1 + 2 + 1 + 1
  assert.is(sample(text, `${CHECK_REQUESTS_METRIC}{type="aws",status="available",error=""}`), 6);
  assert.is(sample(text, `sources_availability_check_account_checks_total{type="aws",status="available",error=""}`), 1);
  assert.is(sample(text, `${CHECK_REQUESTS_METRIC}{type="gcp",status="unavailable",error="access_denied"}`), 1);
  assert.is(sample(text, `${CHECK_REQUESTS_METRIC}{type="azure",status="available",error=""}`), undefined, 'no Azure call was made');
});

onBroker('a restarted worker in the same group turns ready with its table restored: a repeat costs no cloud call', async () => {
  // the previous test left two results (AWS available, GCP unavailable) in the changelog
  await sut.stop();
  // new emulators, so their call counters start at 0; same group and topics, so the same changelog
  sut = await startServiceUnderTest(env);
  const ready = await pollUntil('/readyz 200 after the restart', () => probe(sut, '/readyz'), (p) => p.status === 200, 30_000);
  assert.is(ready.body.parts.worker!.restoringShards, 0);
  assert.is(sut.service.kafka!.counters().restored, 2, 'both results of the earlier run came back from the changelog');

  const aws = demoSource(sut, 'aws', 'available');
  assert.is(await sut.post(aws.sourceId), 202);
  const [status] = await consumeExactly(reader, 1, 30_000);
  assert.is(status!.key?.toString(), aws.applicationId);
  assert.is(sut.emulators.sts.calls.total, 0, 'answered from the restored table');
  const text = await scrape(sut);
  assert.is(sample(text, `${PREFIX}cache_lookups_total{result="hit"}`), 1);
  assert.is(sample(text, `${CHECK_REQUESTS_METRIC}{type="aws",status="available",error=""}`), undefined, 'no cloud call in this process');
});

// --- a broker outage on a broker of this file's own -------------------------------------------

async function broker(command: 'up' | 'down' | 'stop-keep' | 'start-keep'): Promise<void> {
  await run('bash', [brokerScript, command], { env: { ...process.env, KAFKA_PORT: String(outagePort) }, timeout: 180_000 });
}

const outage = suite('broker outage');

outage('broker stopped: /readyz 503 within 15 s (worker and ingress), /healthz stays 200; broker back: /readyz 200 and a new check is answered', async () => {
  await broker('up');
  const brokers = `127.0.0.1:${outagePort}`;
  let own: ServiceUnderTest | undefined;
  let ownReader: Kafka.KafkaConsumer | undefined;
  try {
    own = await startServiceUnderTest(kafkaServiceEnv(brokers, uniqueName('obs-outage')));
    const service = own;
    ownReader = await statusReader(service, brokers);
    await pollUntil('/readyz 200 before the outage', () => probe(service, '/readyz'), (p) => p.status === 200, 30_000);

    const stoppedAt = Date.now();
    await broker('stop-keep');
    const down = await pollUntil('/readyz 503 with the broker stopped', () => probe(service, '/readyz'), (p) => p.status === 503, 15_000);
    const detectedMs = Date.now() - stoppedAt;
    assert.is(down.body.ok, false);
    assert.is(down.body.parts.worker!.status, 'unhealthy');
    assert.ok(typeof down.body.reason === 'string' && down.body.reason.startsWith('worker: '), `the answer says which part and why: ${down.body.reason}`);
    // the ingress cannot publish either: it says so on both ports, so a load balancer stops sending to it
    const ingressDown = await pollUntil('the ingress part unready', () => probe(service, '/readyz'), (p) => p.body.parts.ingress?.ok === false, 15_000);
    assert.match(String(ingressDown.body.parts.ingress!.reason), /KAFKA_BROKERS=/);
    assert.is((await fetch(`${service.url}/readyz`)).status, 503, 'the ingress\'s own /readyz');
    // liveness must not fail over an outage: a restart would not bring the broker back
    for (let i = 0; i < 10; i++) {
      const live = await probe(service, '/healthz');
      assert.is(live.status, 200, `/healthz during the outage: ${JSON.stringify(live.body)}`);
      assert.is((await probe(service, '/readyz')).status, 503, '/readyz stays 503 while the broker is down');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    await broker('start-keep');
    const restartedAt = Date.now();
    const back = await pollUntil('/readyz 200 after the broker is back', () => probe(service, '/readyz'), (p) => p.status === 200, 60_000);
    const recoveredMs = Date.now() - restartedAt;
    assert.is(back.body.parts.ingress!.ok, true);
    assert.is((await fetch(`${service.url}/readyz`)).status, 200, 'the ingress\'s own /readyz once it can publish again');
    assert.is((await probe(service, '/healthz')).status, 200);

    const aws = demoSource(service, 'aws', 'available');
    assert.is(await service.post(aws.sourceId), 202);
    const [status] = await consumeExactly(ownReader, 1, 30_000);
    assert.is(status!.key?.toString(), aws.applicationId);
    assert.is((JSON.parse(status!.value!.toString()) as { status: string }).status, 'available');
    console.log(`  outage detected by /readyz in ${(detectedMs / 1000).toFixed(1)} s; ready again ${(recoveredMs / 1000).toFixed(1)} s after the broker was back`);
  } finally {
    if (ownReader) await disconnect(ownReader);
    await own?.stop();
    await broker('down');
  }
});

onBroker.run();
// Registering the outage suite only when it can run (rather than skipping it): test/run.ts counts tests by uvu's summary.
if (outside) console.log('  broker outage part skipped: KAFKA_BROKERS was given from outside; it stops and starts a broker of its own (test/kafka/broker.sh), run it through `make test` without KAFKA_BROKERS');
else outage.run();
