// Two workers in one group share the partitions; when one leaves, the other takes over its
// partitions and its table shards (restored from the changelog), and nothing is lost.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics, expectedStatus, type CheckTopics } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs } from './runtime-support.ts';

const PARTITIONS = 4;
const RECORDS = 2000;

function worker(topics: CheckTopics, calls: string[]): KafkaRuntime {
  const topology = buildCheckTopology(topics, {
    check: async (id) => {
      calls.push(id);
      await new Promise((resolve) => setTimeout(resolve, 10));
      return expectedStatus(id);
    },
    concurrency: 2, // slow enough that the first worker leaves with work left
  });
  return new KafkaRuntime(topology, { brokers: testBrokers(), maxUnfinishedPerPartition: 10, commitIntervalMs: 100, revokeGraceMs: 3000, logger: { info: (o: object, m: string) => console.log(calls.length, 'INFO', m, JSON.stringify(o)), warn: (o: object, m: string) => console.log('WARN', m, JSON.stringify(o)), error: (o: object, m: string) => console.log('ERR', m, JSON.stringify(o)) } });
}

interface TwoWorkers { topics: CheckTopics; collector: Collector; callsA: string[]; callsB: string[]; a: KafkaRuntime; b: KafkaRuntime }

/** Fresh topics, a status collector and two (not yet started) workers of one group. */
async function twoWorkers(prefix: string): Promise<TwoWorkers> {
  const topics = checkTopics(prefix);
  await createCheckTopics(topics, PARTITIONS);
  const collector = await Collector.start([topics.status]);
  const callsA: string[] = [];
  const callsB: string[] = [];
  return { topics, collector, callsA, callsB, a: worker(topics, callsA), b: worker(topics, callsB) };
}

async function stopAll({ topics, collector, a, b }: Pick<TwoWorkers, 'topics' | 'collector' | 'a' | 'b'>): Promise<void> {
  await a.stop();
  await b.stop();
  await collector.close();
  await deleteCheckTopics(topics);
}

test('two workers share the partitions; the survivor takes over partitions and table shards', async () => {
  const { topics, collector, callsA, callsB, a, b } = await twoWorkers('scale');
  try {
    await Promise.all([a.start(), b.start()]);
    await collector.until(() => a.assignment().length > 0 && b.assignment().length > 0 && a.assignment().length + b.assignment().length === 2 * PARTITIONS, 'both workers to own partitions', 30_000);
    const shared = [...a.assignment(), ...b.assignment()].sort();
    assert.is(new Set(shared).size, 2 * PARTITIONS, 'no partition is owned twice');
    const ids = Array.from({ length: RECORDS }, (_, i) => String(10_000 + i));
    // both topics carry inputs: the assignor places topic-partitions one by one, so a worker may own
    // only priority partitions, or requests[i] and priority[i] may sit on different workers
    const topicOf = (id: string) => (Number(id) % 2 === 0 ? topics.requests : topics.priority);
    await produceInputs(ids.map((id) => ({ topic: topicOf(id), key: id, value: JSON.stringify({ source_id: id }) })));
    await collector.until(() => callsA.length >= 100, 'the first worker to be under way');
    await a.stop();
    assert.ok(a.counters().processed > 0 && callsA.length > 0, 'the first worker did part of the work');
    assert.ok(callsA.length < RECORDS / 4, `the first worker left with work undone (it checked ${callsA.length})`);
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.key)).size === RECORDS, 'an output for every input', 20_000).catch((e) => {
      const got = new Set(collector.of(topics.status).map((m) => m.key));
      const missing = ids.filter((id) => !got.has(id));
      console.log('MISSING1', missing.length, missing.slice(0, 20).join(','), 'checkedA', missing.filter((id) => callsA.includes(id)).length, 'checkedB', missing.filter((id) => callsB.includes(id)).length, JSON.stringify(a.counters()), JSON.stringify(b.counters()), JSON.stringify(b.health()), b.assignment().join());
      throw e;
    });
    await collector.until(() => b.assignment().length === 2 * PARTITIONS, 'the survivor to own every partition', 30_000);
    assert.ok(callsB.length > 0);

    // every result is in the survivor's shards now: the same requests are answered from the table
    const before = collector.of(topics.status).length;
    const checksBefore = callsB.length;
    await produceInputs(ids.map((id) => ({ topic: topicOf(id), key: id, value: JSON.stringify({ source_id: id }) })));
    await collector.until(() => collector.of(topics.status).length >= before + RECORDS, 'the repeated requests answered');
    assert.is(callsB.length, checksBefore, 'no check re-ran: the taken-over shards were restored');
    const replayed = collector.of(topics.status).slice(before).map((m) => JSON.parse(m.value!) as { via: string });
    assert.ok(replayed.every((r) => r.via === 'cache'));
    console.log(`  worker A checked ${callsA.length}, worker B ${checksBefore}; outputs ${before} for ${RECORDS} inputs before the repeat`);
  } finally {
    await stopAll({ topics, collector, a, b });
  }
});

test('a second worker joining mid-stream takes partitions from the first (cooperative revoke), nothing lost', async () => {
  const { topics, collector, callsA, callsB, a, b } = await twoWorkers('join');
  try {
    await a.start();
    const ids = Array.from({ length: RECORDS }, (_, i) => String(50_000 + i));
    await produceInputs(ids.map((id) => ({ topic: Number(id) % 2 === 0 ? topics.requests : topics.priority, key: id, value: JSON.stringify({ source_id: id }) })));
    await collector.until(() => callsA.length >= 200, 'the first worker to be under way');
    await b.start();
    await collector.until(() => b.assignment().length > 0, 'the second worker to get partitions', 30_000);
    // the first worker gave up exactly what the second took: it keeps the others
    await collector.until(() => a.assignment().length + b.assignment().length === 2 * PARTITIONS, 'a settled assignment', 30_000);
    assert.equal([...a.assignment(), ...b.assignment()].sort().length, new Set([...a.assignment(), ...b.assignment()]).size);
    assert.ok(a.assignment().length > 0, 'cooperative: the first worker keeps part of its partitions');
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.key)).size === RECORDS, 'an output for every input', 20_000).catch((e) => {
      const got = new Set(collector.of(topics.status).map((m) => m.key));
      const missing = ids.filter((id) => !got.has(id));
      console.log('MISSING', missing.length, missing.slice(0, 20).join(','), 'checkedA', missing.filter((id) => callsA.includes(id)).length, 'checkedB', missing.filter((id) => callsB.includes(id)).length, JSON.stringify(a.counters()), JSON.stringify(b.counters()), JSON.stringify(a.health()), JSON.stringify(b.health()));
      throw e;
    });
    assert.ok(callsB.length > 0, 'the second worker did part of the work');
    assert.ok(a.counters().rebalances >= 2, 'the first worker saw the revoke');
    console.log(`  after the join: A owns ${a.assignment().length}, B ${b.assignment().length} partitions; checks A ${callsA.length}, B ${callsB.length}; outputs ${collector.of(topics.status).length}`);
  } finally {
    await stopAll({ topics, collector, a, b });
  }
});

test.run();
