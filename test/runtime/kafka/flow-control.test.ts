import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionsToPause, type PartitionFlowState } from '../../../src/runtime/kafka/flow-control.ts';

const limits = { maxUnfinishedPerPartition: 10, maxUnfinished: 25 };
const p = (key: string, over: Partial<PartitionFlowState> = {}): PartitionFlowState => ({ key, priority: false, ready: true, unfinished: 0, lag: 0, ...over });
const paused = (states: PartitionFlowState[]) => [...partitionsToPause(states, limits)].sort();

test('idle ready partitions all fetch', () => {
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true })]), []);
});

test('a partition whose shard is not restored waits', () => {
  assert.equal(paused([p('a', { ready: false }), p('b')]), ['a']);
});

test('per-partition bound pauses only that partition', () => {
  assert.equal(paused([p('a', { unfinished: 10 }), p('b', { unfinished: 9 })]), ['a']);
});

test('the total bound pauses every normal partition but not the priority ones', () => {
  assert.equal(paused([p('a', { unfinished: 9 }), p('b', { unfinished: 9 }), p('prio', { priority: true, unfinished: 7 })]), ['a', 'b']);
});

test('priority lag pauses normal partitions until it is read', () => {
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true, lag: 1 })]), ['a', 'b']);
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true, lag: 0, unfinished: 3 })]), []);
});

test('lag of a priority partition still restoring does not hold the others', () => {
  assert.equal(paused([p('a'), p('prio', { priority: true, lag: 5, ready: false })]), ['prio']);
});

test.run();
