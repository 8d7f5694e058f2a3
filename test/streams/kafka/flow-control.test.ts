import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { partitionsToPause, type PartitionFlowState } from '../../../src/streams/kafka/flow-control.ts';

const limits = { maxUnfinishedPerPartition: 10, buffer: 5 };
const p = (key: string, over: Partial<PartitionFlowState> = {}): PartitionFlowState => ({
  key, priority: false, ready: true, paused: false, unfinished: 0, held: 0, lag: 0, ...over,
});
const paused = (states: PartitionFlowState[]) => [...partitionsToPause(states, limits)].sort();

test('idle ready partitions all fetch', () => {
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true })]), []);
});

test('a partition whose shard is not restored waits', () => {
  assert.equal(paused([p('a', { ready: false }), p('b')]), ['a']);
});

test('a fetching partition pauses once `buffer` records wait for room in its task', () => {
  assert.equal(paused([p('a', { unfinished: 10, held: 4 }), p('b', { unfinished: 10, held: 5 })]), ['b']);
});

test('a paused partition resumes only when nothing waits and its task has room (hysteresis)', () => {
  assert.equal(paused([p('a', { paused: true, held: 1 })]), ['a']);
  assert.equal(paused([p('a', { paused: true, unfinished: 10 })]), ['a']);
  assert.equal(paused([p('a', { paused: true, unfinished: 9 })]), []);
});

test('priority lag pauses normal partitions until it is handed over', () => {
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true, lag: 1 })]), ['a', 'b']);
  assert.equal(paused([p('a'), p('b'), p('prio', { priority: true, lag: 0, unfinished: 3 })]), []);
});

test('lag of a priority partition still restoring does not hold the others', () => {
  assert.equal(paused([p('a'), p('prio', { priority: true, lag: 5, ready: false })]), ['prio']);
});

test.run();
