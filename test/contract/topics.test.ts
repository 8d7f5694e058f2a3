import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_TOPICS, isValidTopicName, resolveTopics } from '../../src/contract/topics.ts';

test('defaults are the platform names', () => {
  assert.equal({ ...DEFAULT_TOPICS }, {
    requests: 'platform.provisioning.internal.availability-check',
    priority: 'platform.provisioning.internal.availability-check.priority',
    status: 'platform.sources.status',
    deadLetter: 'platform.provisioning.internal.availability-check.dlq',
  });
  assert.ok(Object.isFrozen(DEFAULT_TOPICS));
});

test('overrides replace single roles; the result is frozen', () => {
  const topics = resolveTopics({ status: 'test.status', requests: undefined });
  assert.is(topics.status, 'test.status');
  assert.is(topics.requests, DEFAULT_TOPICS.requests);
  assert.ok(Object.isFrozen(topics));
});

test('illegal or shared names are refused', () => {
  assert.throws(() => resolveTopics({ status: 'bad name' }), /status is not a valid Kafka topic name/);
  assert.throws(() => resolveTopics({ priority: DEFAULT_TOPICS.requests }), /must differ/);
  assert.not.ok(isValidTopicName('..'));
  assert.not.ok(isValidTopicName('x'.repeat(250)));
  assert.ok(isValidTopicName('a.b_c-1'));
});

test.run();
