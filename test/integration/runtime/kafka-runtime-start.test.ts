// Starting on a real broker: topics the runtime needs are created (the changelog co-partitioned
// with the sources), a topology whose sources are not co-partitioned is refused, and a failed
// start leaves nothing open behind it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionCounts } from '../../../src/streams/kafka/admin.ts';
import { KafkaRuntime, KafkaRuntimeError } from '../../../src/streams/kafka/index.ts';
import { createTopic, testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics } from './fixtures/check-topology.ts';
import { deleteCheckTopics } from './runtime-support.ts';

test('start creates the changelog with the source topics\' partition count; health follows the lifecycle', async () => {
  const topics = checkTopics('start');
  await createTopic(topics.requests, 3);
  await createTopic(topics.priority, 3);
  const runtime = new KafkaRuntime(buildCheckTopology(topics), { brokers: testBrokers() });
  try {
    assert.is(runtime.health().status, 'starting');
    await runtime.start();
    const counts = await partitionCounts(testBrokers(), [topics.changelog, topics.status, topics.deadLetters]);
    assert.is(counts.get(topics.changelog), 3, 'changelog partition i holds the shard of input partition i');
    assert.is(counts.get(topics.status), 1, 'absent sink topics are created with the `partitions` option');
    assert.is(runtime.health().status, 'healthy');
    await runtime.stop();
    assert.is(runtime.health().status, 'stopped');
  } finally {
    await runtime.stop();
    await deleteCheckTopics(topics);
  }
});

test('sources that are not co-partitioned are refused when the topology has a store', async () => {
  const topics = checkTopics('mismatch');
  await createTopic(topics.requests, 2);
  await createTopic(topics.priority, 3);
  const runtime = new KafkaRuntime(buildCheckTopology(topics), { brokers: testBrokers() });
  try {
    const error = await runtime.start().then(() => undefined, (e: unknown) => e);
    assert.instance(error, KafkaRuntimeError);
    assert.is((error as KafkaRuntimeError).code, 'KAFKA_PARTITION_MISMATCH');
    assert.match((error as Error).message, /co-partitioned/);
    assert.is((await partitionCounts(testBrokers(), [topics.changelog])).has(topics.changelog), false, 'no changelog was created');
  } finally {
    await deleteCheckTopics(topics);
  }
});

test('a cluster that does not answer fails start with a clear error, and nothing keeps the process alive', async () => {
  const topics = checkTopics('unreachable');
  // a port nothing listens on
  const runtime = new KafkaRuntime(buildCheckTopology(topics), { brokers: '127.0.0.1:1' });
  const error = await runtime.start().then(() => undefined, (e: unknown) => e);
  assert.instance(error, Error);
  assert.match((error as Error).message, /metadata|connect|timed out/i);
  assert.is(runtime.health().status, 'stopped');
});

test.run();
