// The foundation every Kafka feature stands on: node-rdkafka against a real broker, headers kept,
// consumer-group commits honoured across a consumer restart.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type Kafka from 'node-rdkafka';
import {
  connectConsumer, connectProducer, consumeExactly, createTopic, deleteTopic, disconnect, produceAcked, testBrokers, uniqueName,
} from '../support/kafka.ts';

const total = 20;
const committedAfter = 12;

test('produce with headers, commit in a group, resume exactly at the committed offset', async () => {
  console.log(`broker: ${process.env.KAFKA_BROKER_DESCRIPTION ?? testBrokers()}`);
  const topic = await createTopic(uniqueName('rdkafka-chain'));
  const group = uniqueName('rdkafka-chain-group');
  try {
    const producer = await connectProducer();
    await produceAcked(producer, Array.from({ length: total }, (_, i) => ({
      topic, key: `source-${i}`, value: JSON.stringify({ source_id: String(i) }),
      headers: [{ event_type: 'availability_status' }, { 'x-rh-sources-org-id': `org-${i}` }] as Kafka.MessageHeader[],
    })));
    await disconnect(producer);

    const first = await connectConsumer(group, [topic]);
    const firstBatch = await consumeExactly(first, committedAfter);
    assert.equal(firstBatch.map((m) => m.offset), Array.from({ length: committedAfter }, (_, i) => i));
    first.commitMessageSync(firstBatch[committedAfter - 1]!);
    await disconnect(first);

    const second = await connectConsumer(group, [topic]);
    const rest = await consumeExactly(second, total - committedAfter);
    await disconnect(second);

    assert.equal(rest[0]!.offset, committedAfter, 'resumes at the committed offset, not before, not after');
    assert.equal(rest.map((m) => m.key?.toString()), Array.from({ length: total - committedAfter }, (_, i) => `source-${i + committedAfter}`));
    for (const message of [...firstBatch, ...rest]) {
      const i = Number(message.key?.toString().split('-')[1]);
      const headers = (message.headers ?? []).map((h) => Object.entries(h).map(([k, v]) => [k, v.toString()])[0]);
      assert.equal(headers, [['event_type', 'availability_status'], ['x-rh-sources-org-id', `org-${i}`]]);
      assert.equal(JSON.parse(message.value!.toString()), { source_id: String(i) });
    }
  } finally {
    await deleteTopic(topic);
  }
});

test.run();
