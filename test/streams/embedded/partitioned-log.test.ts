import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LogError } from '../../../src/streams/embedded/errors.ts';
import { partitionForKey } from '../../../src/streams/embedded/murmur2.ts';
import { PartitionedLog } from '../../../src/streams/embedded/partitioned-log.ts';

test('keys land in the murmur2 partition; offsets count per partition', () => {
  const log = new PartitionedLog({ clock: () => 42 });
  log.createTopic('t', 4);
  const keys = ['463243', '1', '2', '3', '463243', '99'];
  const records = keys.map((key) => log.append('t', { key, value: Buffer.from(key) }));
  for (const r of records) assert.is(r.partition, partitionForKey(r.key!, 4));
  const sameKey = records.filter((r) => r.key === '463243');
  assert.is(sameKey[0]!.partition, sameKey[1]!.partition);
  assert.is(records[0]!.timestamp, 42);
  for (let p = 0; p < 4; p++) assert.equal(log.read('t', p, 0).map((r) => r.offset), log.read('t', p, 0).map((_, i) => i));
  assert.equal(log.records('t').map((r) => r.key), keys);
});

test('null keys go round-robin; an explicit partition wins', () => {
  const log = new PartitionedLog();
  log.createTopic('t', 3);
  assert.equal([0, 1, 2, 3].map(() => log.append('t', { key: null, value: null }).partition), [0, 1, 2, 0]);
  assert.is(log.append('t', { key: 'x', value: null, partition: 2 }).partition, 2);
});

test('committed positions per group; 0 before any commit', () => {
  const log = new PartitionedLog();
  log.createTopic('t', 2);
  assert.is(log.committed('g', 't', 1), 0);
  log.commit('g', 't', 1, 5);
  assert.is(log.committed('g', 't', 1), 5);
  assert.is(log.committed('other', 't', 1), 0);
});

test('read ranges, end offsets, append listeners, topics created on first append', () => {
  const log = new PartitionedLog({ defaultPartitions: 2 });
  const seen: number[] = [];
  const off = log.onAppend((r) => seen.push(r.offset));
  for (let i = 0; i < 5; i++) log.append('auto', { key: null, value: null, partition: 0 });
  off();
  log.append('auto', { key: null, value: null, partition: 0 });
  assert.is(log.partitionCount('auto'), 2);
  assert.equal(seen, [0, 1, 2, 3, 4]);
  assert.equal(log.read('auto', 0, 2, 2).map((r) => r.offset), [2, 3]);
  assert.is(log.endOffset('auto', 0), 6);
  assert.ok(Object.isFrozen(log.read('auto', 0, 0)[0]));
});

test('bad input gets clear errors', () => {
  const log = new PartitionedLog();
  log.createTopic('t', 2);
  const code = (fn: () => unknown) => { try { fn(); } catch (e) { assert.instance(e, LogError); return (e as LogError).code; } return 'none'; };
  assert.is(code(() => log.read('missing', 0, 0)), 'LOG_UNKNOWN_TOPIC');
  assert.is(code(() => log.append('t', { key: null, value: null, partition: 2 })), 'LOG_INVALID_PARTITION');
  assert.is(code(() => log.createTopic('t', 3)), 'LOG_INVALID_PARTITION');
  assert.is(code(() => log.append('t', { key: null, value: 'text' as unknown as Buffer })), 'LOG_INVALID_RECORD');
  assert.is(code(() => new PartitionedLog({ defaultPartitions: 0 })), 'LOG_INVALID_PARTITION');
});

test.run();
