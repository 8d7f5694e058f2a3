// With a backlog waiting on the normal topic, a record on the priority topic is answered before
// the backlog drains: the runtime pauses the normal partitions while the priority topic has lag.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs } from './runtime-support.ts';

const BACKLOG = 10_000;

test('a priority record is answered ahead of a backlog on the normal topic', async () => {
  const topics = checkTopics('priority');
  await createCheckTopics(topics, 2);
  const collector = await Collector.start([topics.status]);
  // 4 checks of 5 ms at a time per partition: the backlog takes seconds to drain
  const runtime = new KafkaRuntime(buildCheckTopology(topics, { checkDelayMs: 5, concurrency: 4 }), { brokers: testBrokers() });
  try {
    await produceInputs(Array.from({ length: BACKLOG }, (_, i) => ({ topic: topics.requests, key: String(100_000 + i), value: JSON.stringify({ source_id: String(100_000 + i) }) })));
    await runtime.start();
    await collector.until(() => collector.of(topics.status).length >= 200, 'the backlog to be under way');
    const sent = performance.now();
    await produceInputs([{ topic: topics.priority, key: '42', value: JSON.stringify({ source_id: '42', no_cache: true }) }]);
    await collector.until(() => collector.of(topics.status).some((m) => m.key === '42'), 'the priority output', 30_000);
    const answer = collector.of(topics.status).find((m) => m.key === '42')!;
    const backlogDone = collector.of(topics.status).filter((m) => m.readAt <= answer.readAt && m.key !== '42').length;
    console.log(`  priority answered in ${(answer.readAt - sent).toFixed(0)} ms (produce included), ${backlogDone} of ${BACKLOG} backlog outputs before it`);
    assert.ok(backlogDone < BACKLOG / 2, `the priority output came after ${backlogDone} of ${BACKLOG} backlog outputs`);
    await collector.until(() => collector.of(topics.status).length >= BACKLOG + 1, 'the backlog to drain afterwards', 60_000);
  } finally {
    await runtime.stop();
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test.run();
