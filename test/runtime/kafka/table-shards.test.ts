// Table shards without a broker: a scripted restorer shows when shards restore, catch up, drop.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, StreamsBuilder, type Topology } from '../../../src/dsl/index.ts';
import { jsonCodec as storeJsonCodec } from '../../../src/dsl/store/index.ts';
import { ttlTableFactory } from '../../../src/runtime/embedded/create-stores.ts';
import type { RestoreResult, RestoreTarget } from '../../../src/runtime/kafka/changelog-restorer.ts';
import { TableShards } from '../../../src/runtime/kafka/table-shards.ts';
import { ManualClock } from '../../../src/runtime/task/clock.ts';

function topology(withStore: boolean): Topology {
  const builder = new StreamsBuilder({ applicationId: 'shards' });
  const stream = builder.stream<unknown>('in-source', 'in', { codec: jsonCodec() });
  if (withStore) {
    const results = builder.addStore<unknown>('results', { ttlMs: 60_000, codec: storeJsonCodec });
    stream.peek('remember', (value, ctx) => ctx.store(results).put(String(ctx.key), value), { stores: [results] }).to('out-sink', 'out', { codec: jsonCodec() });
  } else {
    stream.to('out-sink', 'out', { codec: jsonCodec() });
  }
  return builder.build();
}

interface Call { partition: number; targets: readonly RestoreTarget[]; cancelled: () => boolean; finish: (records?: number) => void; fail: (error: Error) => void }

function scriptedRestorer() {
  const calls: Call[] = [];
  return {
    calls,
    restore(partition: number, targets: readonly RestoreTarget[], cancelled: () => boolean = () => false): Promise<RestoreResult> {
      return new Promise((resolve, reject) => calls.push({
        partition, targets, cancelled,
        finish: (records = 0) => resolve({ records, positions: new Map(targets.map((t) => [t.topic, (t.from ?? 0) + records])) }),
        fail: reject,
      }));
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function shardsWith(withStore: boolean) {
  const restorer = scriptedRestorer();
  const errors: number[] = [];
  const shards = new TableShards({
    topology: topology(withStore), clock: new ManualClock(0), storeFactory: ttlTableFactory, restorer,
    onRestored: () => {}, onRestoreError: (partition) => errors.push(partition),
  });
  return { shards, restorer, errors };
}

test('a new shard restores from the start of its changelog partition, then is ready', async () => {
  const { shards, restorer } = shardsWith(true);
  const shard = shards.acquire(2, 'in[2]');
  assert.is(shard.state, 'restoring');
  await settle();
  assert.is(restorer.calls.length, 1);
  assert.is(restorer.calls[0]!.partition, 2);
  assert.is(restorer.calls[0]!.targets[0]!.topic, 'shards-results-changelog');
  assert.is(restorer.calls[0]!.targets[0]!.from, undefined);
  restorer.calls[0]!.finish(5);
  await settle();
  assert.is(shard.state, 'ready');
  assert.is(shard.positions.get('shards-results-changelog'), 5);
});

test('another input partition joining a shard makes it catch up from where it stopped', async () => {
  const { shards, restorer } = shardsWith(true);
  const shard = shards.acquire(0, 'requests[0]');
  await settle();
  restorer.calls[0]!.finish(7);
  await settle();
  assert.is(shards.acquire(0, 'priority[0]'), shard, 'the same shard');
  assert.is(shard.state, 'restoring', 'its users wait while it catches up');
  await settle();
  assert.is(restorer.calls[1]!.targets[0]!.from, 7);
  restorer.calls[1]!.finish(3);
  await settle();
  assert.is(shard.state, 'ready');
  assert.is(shard.positions.get('shards-results-changelog'), 10);
});

test('the last user leaving drops the shard and cancels its restore', async () => {
  const { shards, restorer } = shardsWith(true);
  const shard = shards.acquire(1, 'a[1]');
  shards.acquire(1, 'b[1]');
  await settle();
  shards.release(1, 'a[1]');
  assert.is(shards.get(1), shard, 'kept while a user is left');
  shards.release(1, 'b[1]');
  assert.is(shard.state, 'dropped');
  assert.is(shards.get(1), undefined);
  assert.ok(restorer.calls[0]!.cancelled(), 'the running restore is told to stop');
});

test('a failed restore is reported and retried', async () => {
  const { shards, restorer, errors } = shardsWith(true);
  const shard = shards.acquire(0, 'in[0]');
  await settle();
  restorer.calls[0]!.fail(new Error('broker away'));
  await settle();
  assert.equal(errors, [0]);
  assert.is(shard.state, 'restoring');
  shards.retry(0);
  await settle();
  restorer.calls[1]!.finish(1);
  await settle();
  assert.is(shard.state, 'ready');
});

test('a topology without stores has nothing to restore or catch up', async () => {
  const { shards, restorer } = shardsWith(false);
  const shard = shards.acquire(0, 'x[0]');
  await settle();
  restorer.calls[0]!.finish(0);
  await settle();
  assert.is(shard.state, 'ready');
  shards.acquire(0, 'y[0]');
  await settle();
  assert.is(shard.state, 'ready');
  assert.is(restorer.calls.length, 1);
});

test.run();
