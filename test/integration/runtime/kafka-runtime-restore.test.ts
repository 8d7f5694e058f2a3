// The table is restored from its compacted changelog: a restarted runtime answers keys still
// within TTL from the table (the check never runs again); expired entries are tombstoned, so a
// restart after expiry checks them again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics, expectedStatus, type CheckTopics } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs } from './runtime-support.ts';

const PARTITIONS = 2;

function countingRuntime(topics: CheckTopics, calls: string[], ttlMs: number): KafkaRuntime {
  const topology = buildCheckTopology(topics, { ttlMs, check: async (id) => { calls.push(id); return expectedStatus(id); } });
  return new KafkaRuntime(topology, { brokers: testBrokers(), purgeIntervalMs: 100 });
}

const requestsFor = (topics: CheckTopics, ids: number[]) => ids.map((id) => ({ topic: topics.requests, key: String(id), value: JSON.stringify({ source_id: String(id) }) }));
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

test('a restarted runtime answers keys within TTL from the restored table', async () => {
  const topics = checkTopics('restore');
  await createCheckTopics(topics, PARTITIONS);
  const collector = await Collector.start([topics.status]);
  const ids = range(1, 200);
  try {
    const firstCalls: string[] = [];
    const first = countingRuntime(topics, firstCalls, 600_000);
    await first.start();
    await produceInputs(requestsFor(topics, ids));
    await collector.until(() => collector.of(topics.status).length >= ids.length, 'first outputs');
    await first.stop();
    assert.is(firstCalls.length, ids.length);

    const secondCalls: string[] = [];
    const second = countingRuntime(topics, secondCalls, 600_000);
    try {
      await second.start();
      await produceInputs(requestsFor(topics, ids));
      await collector.until(() => collector.of(topics.status).length >= 2 * ids.length, 'second outputs');
      assert.equal(secondCalls, [], 'no check re-ran for a key within TTL');
      const replayed = collector.of(topics.status).slice(ids.length).map((m) => JSON.parse(m.value!) as { via: string; status: string; source_id: string });
      assert.ok(replayed.every((r) => r.via === 'cache' && r.status === expectedStatus(r.source_id)));
      assert.ok(second.counters().restored >= ids.length, `restored ${second.counters().restored} changelog records`);
    } finally {
      await second.stop();
    }
  } finally {
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test('expired entries are tombstoned on the changelog; after a restart they are checked again', async () => {
  const topics = checkTopics('expire');
  await createCheckTopics(topics, PARTITIONS);
  const calls: string[] = [];
  const first = countingRuntime(topics, calls, 1000);
  await first.start();
  // after start: the runtime creates the changelog topic (with the source topics' partition count)
  const collector = await Collector.start([topics.status, topics.changelog]);
  const ids = range(500, 20);
  try {
    await produceInputs(requestsFor(topics, ids));
    await collector.until(() => collector.of(topics.status).length >= ids.length, 'outputs');
    await collector.until(() => collector.of(topics.changelog).filter((m) => m.value === null).length >= ids.length, 'a tombstone per expired key', 15_000);
    const tombstoned = collector.of(topics.changelog).filter((m) => m.value === null).map((m) => Number(m.key)).sort((a, b) => a - b);
    assert.equal(tombstoned, ids);
    // tombstones go to the partition the entry was written to (the input's)
    for (const m of collector.of(topics.changelog)) {
      const put = collector.of(topics.changelog).find((p) => p.key === m.key && p.value !== null)!;
      assert.is(m.partition, put.partition);
    }
    assert.ok(first.counters().expired >= ids.length);
    await first.stop();

    const second = countingRuntime(topics, calls, 1000);
    try {
      await second.start();
      await produceInputs(requestsFor(topics, ids));
      await collector.until(() => collector.of(topics.status).length >= 2 * ids.length, 'outputs after restart');
      assert.is(calls.length, 2 * ids.length, 'expired keys are checked again');
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop(); // idempotent: a no-op when the test stopped it
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test.run();
