import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveOptions } from '../../../src/streams/kafka/options.ts';
import { KafkaRuntimeError } from '../../../src/streams/kafka/errors.ts';

function failure(fn: () => unknown): KafkaRuntimeError {
  try {
    fn();
  } catch (error) {
    assert.instance(error, KafkaRuntimeError);
    return error as KafkaRuntimeError;
  }
  throw new Error('expected a KafkaRuntimeError');
}

test('defaults are merged in and the result is frozen', () => {
  const o = resolveOptions({ brokers: '127.0.0.1:9092' }, 'app-1');
  assert.is(o.applicationId, 'app-1');
  assert.is(o.clientId, 'app-1');
  assert.is(o.maxUnfinishedPerPartition, 1000);
  assert.is(o.maxUnfinished, 10_000);
  assert.is(o.createTopics, true);
  assert.ok(Object.isFrozen(o));
});

test('explicit values win', () => {
  const o = resolveOptions({ brokers: 'b:1', applicationId: 'group-x', batchSize: 10, maxUnfinished: 50, maxUnfinishedPerPartition: 5 }, 'app');
  assert.is(o.applicationId, 'group-x');
  assert.is(o.batchSize, 10);
  assert.is(o.maxUnfinished, 50);
});

test('a bad value fails with its name', () => {
  assert.match(failure(() => resolveOptions({ brokers: '' }, 'app')).message, /brokers/);
  assert.match(failure(() => resolveOptions({ brokers: 'b:1', batchSize: 0 }, 'app')).message, /batchSize: must be an integer >= 1, got 0/);
  assert.match(failure(() => resolveOptions({ brokers: 'b:1', commitIntervalMs: 1.5 }, 'app')).message, /commitIntervalMs/);
  assert.match(failure(() => resolveOptions({ brokers: 'b:1', applicationId: 'has space' }, 'app')).message, /applicationId/);
  assert.match(failure(() => resolveOptions({ brokers: 'b:1', maxUnfinished: 5, maxUnfinishedPerPartition: 10 }, 'app')).message, /maxUnfinished: must be >= maxUnfinishedPerPartition/);
  assert.is(failure(() => resolveOptions({ brokers: 'b:1', batchSize: -1 }, 'app')).code, 'KAFKA_INVALID_OPTION');
});

test.run();
