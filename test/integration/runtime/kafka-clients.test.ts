// The Kafka runtime's client layer on a real broker: acknowledged sends, topic creation with
// changelog configuration, metadata without side effects.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Kafka from 'node-rdkafka';
import { AckedProducer } from '../../../src/streams/kafka/acked-producer.ts';
import { changelogTopicConfig, ensureTopics, partitionCounts } from '../../../src/streams/kafka/admin.ts';
import { connectConsumer, consumeExactly, deleteTopic, disconnect, testBrokers, uniqueName } from '../../support/kafka.ts';

test('ensureTopics creates missing topics once and leaves existing ones alone', async () => {
  const plain = uniqueName('admin-plain');
  const changelog = uniqueName('admin-changelog');
  const absent = uniqueName('admin-absent');
  try {
    await ensureTopics(testBrokers(), [{ name: plain, partitions: 3 }, { name: changelog, partitions: 2, config: changelogTopicConfig(3_600_000) }]);
    await ensureTopics(testBrokers(), [{ name: plain, partitions: 5 }]); // already there: no error, no change
    const counts = await partitionCounts(testBrokers(), [plain, changelog, absent]);
    assert.equal(counts.get(plain), 3);
    assert.equal(counts.get(changelog), 2);
    assert.is(counts.has(absent), false, 'asking for metadata must not create a topic');
    assert.is((await partitionCounts(testBrokers(), [absent])).has(absent), false);
  } finally {
    await Promise.all([plain, changelog].map(deleteTopic));
  }
});

test('AckedProducer resolves with the broker position, in order per partition, headers kept', async () => {
  const topic = uniqueName('acked');
  await ensureTopics(testBrokers(), [{ name: topic, partitions: 1 }]);
  const producer = new AckedProducer({ brokers: testBrokers(), clientId: 'test-acked' });
  try {
    await producer.connect();
    const deliveries = await Promise.all(Array.from({ length: 50 }, (_, i) => producer.send({
      topic, key: `k${i}`, value: Buffer.from(String(i)), headers: [{ event_type: 'availability_status' }] as Kafka.MessageHeader[],
    })));
    assert.equal(deliveries.map((d) => d.offset), Array.from({ length: 50 }, (_, i) => i));
    assert.is(producer.pending, 0);
    const consumer = await connectConsumer(uniqueName('acked-group'), [topic]);
    const messages = await consumeExactly(consumer, 50);
    await disconnect(consumer);
    assert.equal(messages.map((m) => m.value?.toString()), Array.from({ length: 50 }, (_, i) => String(i)));
    assert.equal(messages[7]?.headers?.[0]?.event_type?.toString(), 'availability_status');
  } finally {
    await producer.disconnect();
    await deleteTopic(topic);
  }
});

test('AckedProducer rejects a message the broker refuses', async () => {
  const producer = new AckedProducer({ brokers: testBrokers(), clientId: 'test-acked-reject', librdkafka: { 'message.timeout.ms': 3000 } });
  try {
    await producer.connect();
    const topic = uniqueName('acked-too-big');
    await ensureTopics(testBrokers(), [{ name: topic, partitions: 1, config: { 'max.message.bytes': '1024' } }]);
    const refused = await producer.send({ topic, key: 'k', value: Buffer.alloc(4096) }).then(() => null, (err: Error) => err);
    assert.ok(refused, 'a message over max.message.bytes must be rejected, not acknowledged');
    assert.match(refused.message, /delivery to .* failed/);
    await deleteTopic(topic);
  } finally {
    await producer.disconnect();
  }
});

test.run();
