// Differential test: the same input gives the same outputs (values, keys, dead letters with their
// origin) on the embedded runtime and on the Kafka runtime, for a topology with a merge, a split,
// a TTL table and a mapAsync step. Two phases, so "cached" answers are deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TopologyTestDriver } from '../../../src/streams/embedded/index.ts';
import { DEAD_LETTER_HEADERS } from '../../../src/streams/task/index.ts';
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics, type CheckTopics } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs, type Input } from './runtime-support.ts';

const PARTITIONS = 3;

function phases(topics: CheckTopics): Input[][] {
  const first: Input[] = [];
  for (let id = 1; id <= 60; id++) first.push({ topic: topics.requests, key: String(id), value: JSON.stringify({ source_id: String(id) }) });
  for (let id = 100; id < 110; id++) first.push({ topic: topics.priority, key: String(id), value: JSON.stringify({ source_id: String(id), no_cache: true }) });
  first.push({ topic: topics.requests, key: '7', value: 'not json' });
  first.push({ topic: topics.priority, key: 'x1', value: JSON.stringify({ source_id: 'letters' }) });
  first.push({ topic: topics.requests, key: '8', value: JSON.stringify({ id: 8 }) });
  const second: Input[] = [];
  for (let id = 1; id <= 60; id++) second.push({ topic: id % 4 === 0 ? topics.priority : topics.requests, key: String(id), value: JSON.stringify({ source_id: String(id), no_cache: id % 10 === 0 }) });
  return [first, second];
}

const outputKey = (o: { key: string | null; value: string | null }) => `${o.key} ${o.value}`;
const deadLetterKey = (h: Record<string, string>, key: string | null) =>
  `${key} ${h[DEAD_LETTER_HEADERS.code]} ${h[DEAD_LETTER_HEADERS.node]} ${h[DEAD_LETTER_HEADERS.topic]}[${h[DEAD_LETTER_HEADERS.partition]}]@${h[DEAD_LETTER_HEADERS.offset]}`;

test('embedded and Kafka runtimes give the same outputs and dead letters', async () => {
  const topics = checkTopics('diff');
  const inputs = phases(topics);

  const driver = new TopologyTestDriver(buildCheckTopology(topics), { partitions: PARTITIONS });
  const expectedCounts: number[] = [];
  for (const phase of inputs) {
    for (const input of phase) driver.pipeInput(input.topic, input.key, input.value);
    await driver.runUntilIdle();
    expectedCounts.push(driver.readOutput(topics.status).length);
  }
  const expectedOutputs = driver.readOutput(topics.status).map((r) => outputKey({ key: r.key, value: r.value?.toString() ?? null })).sort();
  const expectedDead = driver.readOutput(topics.deadLetters).map((r) => deadLetterKey(r.headers, r.key)).sort();
  await driver.close();
  assert.is(expectedDead.length, 3, 'the embedded run dead-letters the three bad inputs');

  await createCheckTopics(topics, PARTITIONS);
  const runtime = new KafkaRuntime(buildCheckTopology(topics), { brokers: testBrokers() });
  const collector = await Collector.start([topics.status, topics.deadLetters]);
  try {
    await runtime.start();
    for (const [i, phase] of inputs.entries()) {
      await produceInputs(phase);
      await collector.until(() => collector.of(topics.status).length >= expectedCounts[i]!, `phase ${i + 1} outputs`);
    }
    await collector.until(() => collector.of(topics.deadLetters).length >= 3, 'dead letters');
    await new Promise((resolve) => setTimeout(resolve, 500)); // nothing more may come
    assert.equal(collector.of(topics.status).map(outputKey).sort(), expectedOutputs);
    assert.equal(collector.of(topics.deadLetters).map((m) => deadLetterKey(m.headers, m.key)).sort(), expectedDead);
    assert.is(runtime.health().status, 'healthy');
    // lag is end offset − committed: zero once the finished records are committed
    await collector.until(() => runtime.lag().length === 2 * PARTITIONS && runtime.lag().every((l) => l.lag === 0), 'lag() to reach 0 on every input partition', 10_000);
    const inputs0 = inputs.flat();
    assert.is(runtime.observer.counts('requests-source').in, inputs0.filter((i) => i.topic === topics.requests).length, 'one observer counts for every partition task');
    assert.is(runtime.observer.counts('priority-source').in, inputs0.filter((i) => i.topic === topics.priority).length);
    const counters = runtime.counters();
    assert.is(counters.processed, inputs[0]!.length + inputs[1]!.length);
    assert.is(counters.deadLettered, 3);
  } finally {
    await runtime.stop();
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test.run();
