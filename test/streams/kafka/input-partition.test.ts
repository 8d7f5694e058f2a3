// The held-records queue of an input partition: first in, first out, across the compactions
// that keep it from growing without bound.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputPartition, partitionKey, type PartitionGroupTask } from '../../../src/streams/kafka/partition-group.ts';
import type { InputRecord } from '../../../src/streams/task/index.ts';

function record(offset: number): InputRecord {
  return { topic: 't', partition: 0, offset, key: null, value: null, headers: {}, timestamp: 0 };
}

function partition(): InputPartition {
  return new InputPartition('t', 0, false, {} as PartitionGroupTask);
}

test('held records come out in the order they went in, interleaved with new ones, past compactions', () => {
  const ap = partition();
  assert.is(ap.waiting, 0);
  assert.is(ap.takeHeld(), undefined);
  let next = 0;
  let expected = 0;
  // take fewer than are added for a while, then drain: the front moves past 1024 several times
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 200; i++) ap.hold(record(next++));
    for (let i = 0; i < (round < 40 ? 150 : 400) && ap.waiting > 0; i++) assert.is(ap.takeHeld()!.offset, expected++);
    assert.is(ap.waiting, next - expected);
  }
  while (ap.waiting > 0) assert.is(ap.takeHeld()!.offset, expected++);
  assert.is(expected, next);
  assert.is(ap.takeHeld(), undefined);
});

test('the partition key names topic and partition', () => {
  assert.is(partitionKey('requests', 2), 'requests[2]');
  assert.is(partition().key, 't[0]');
});

test.run();
