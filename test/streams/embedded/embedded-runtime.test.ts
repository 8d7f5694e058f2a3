import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { jsonValueCodec } from '../../../src/streams/store/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { EmbeddedRuntime, PartitionedLog } from '../../../src/streams/embedded/index.ts';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** requests + priority → a mapAsync the test releases by hand → out */
function gatedTopology() {
  const calls: { value: string; release: () => void }[] = [];
  const b = new StreamsBuilder({ applicationId: 'gated' });
  const requests = b.stream<string>('requests-source', 'requests', { codec: stringCodec });
  const priority = b.stream<string>('priority-source', 'priority', { codec: stringCodec, priority: true });
  requests.merge('merge', priority)
    .mapAsync('gate', (value) => new Promise<string>((resolve) => calls.push({ value, release: () => resolve(value) })), { concurrency: 100, timeoutMs: 1_000_000 })
    .to('out-sink', 'out', { codec: stringCodec });
  return { topology: b.build(), calls };
}

test('priority sources are served first; the others wait while they have lag', () => {
  const { topology, calls } = gatedTopology();
  const runtime = new EmbeddedRuntime(topology, { clock: new ManualClock(), batchSize: 2 });
  for (let i = 0; i < 3; i++) runtime.produce('requests', { key: null, value: Buffer.from(`r${i}`) });
  for (let i = 0; i < 3; i++) runtime.produce('priority', { key: null, value: Buffer.from(`p${i}`) });
  assert.is(runtime.pump(), 2, 'only priority records while the priority topic has lag');
  assert.equal(calls.map((c) => c.value), ['p0', 'p1']);
  assert.is(runtime.backlog(true), 1);
  runtime.pump();
  assert.equal(calls.map((c) => c.value), ['p0', 'p1', 'p2', 'r0', 'r1']);
  runtime.produce('priority', { key: null, value: Buffer.from('p3') });
  runtime.pump();
  assert.equal(calls.map((c) => c.value).slice(5), ['p3', 'r2']);
});

test('backpressure: a partition is not read while its unfinished records are at the bound', async () => {
  const { topology, calls } = gatedTopology();
  const runtime = new EmbeddedRuntime(topology, { clock: new ManualClock(), maxUnfinishedPerPartition: 2, maxUnfinished: 3, partitions: 2 });
  for (let i = 0; i < 6; i++) runtime.produce('requests', { key: null, value: Buffer.from(`r${i}`) });
  runtime.pump();
  assert.is(runtime.task.unfinished(), 3, 'total bound');
  assert.ok(runtime.task.load().every((p) => p.unfinished <= 2), 'partition bound');
  calls[0]!.release();
  await turn();
  runtime.pump();
  assert.is(runtime.task.unfinished(), 3);
  for (const c of calls) c.release();
  await turn();
  runtime.pump();
  for (const c of calls) c.release();
  await turn();
  runtime.commit();
  assert.is(runtime.backlog(), 0);
  assert.is(runtime.log.records('out').length, 6);
});

test('commits only finished records; a restarted runtime resumes there and restores its stores', async () => {
  const log = new PartitionedLog();
  const clock = new ManualClock(1000);
  const build = () => {
    const b = new StreamsBuilder({ applicationId: 'restart' });
    const seen = b.addStore<unknown>('seen', { ttlMs: 60_000, codec: jsonValueCodec });
    b.stream<{ id: string }>('src', 'in', { codec: jsonCodec() })
      .peek('remember', (v, ctx) => ctx.store(seen).put(v.id, 'yes'), { stores: [seen] })
      .to('out-sink', 'out', { codec: jsonCodec() });
    return b.build();
  };
  const first = new EmbeddedRuntime(build(), { log, clock });
  for (const id of ['1', '2', '3']) first.produce('in', { key: id, value: Buffer.from(JSON.stringify({ id })) });
  first.pump();
  await turn();
  first.commit();
  assert.is(log.committed('restart', 'in', 0), 3);
  assert.is(log.records('restart-seen-changelog').length, 3);

  first.produce('in', { key: '4', value: Buffer.from(JSON.stringify({ id: '4' })) });
  const second = new EmbeddedRuntime(build(), { log, clock });
  assert.equal(second.stores.seen!.get('2'), 'yes', 'restored from the changelog');
  assert.is(second.stores.seen!.size, 3);
  second.pump();
  await turn();
  second.commit();
  assert.equal(log.records('out').map((r) => r.key), ['1', '2', '3', '4'], 'record 4 once, nothing re-read');
  assert.is(log.committed('restart', 'in', 0), 4);
});

test('while started, expired store entries are purged and tombstoned in the changelog', async () => {
  const clock = new ManualClock(0);
  const b = new StreamsBuilder({ applicationId: 'purge' });
  const seen = b.addStore<unknown>('seen', { ttlMs: 1000, codec: jsonValueCodec });
  b.stream<string>('src', 'in', { codec: stringCodec }).peek('remember', (v, ctx) => ctx.store(seen).put(v, 1), { stores: [seen] });
  const runtime = new EmbeddedRuntime(b.build(), { clock, purgeIntervalMs: 500 });
  runtime.start();
  runtime.produce('in', { key: null, value: Buffer.from('42') });
  for (let i = 0; i < 5; i++) await turn();
  assert.is(runtime.stores.seen!.size, 1);
  clock.advance(500);
  assert.is(runtime.stores.seen!.size, 1, 'not expired yet');
  clock.advance(500);
  await turn();
  assert.is(runtime.stores.seen!.size, 0);
  assert.equal(runtime.log.records('purge-seen-changelog').map((r) => [r.key, r.value === null]), [['42', false], ['42', true]]);
  await runtime.stop();
  assert.is(clock.pendingTimers, 0, 'stop cancels the purge timer');
});

test('start() runs on its own and stop() drains and commits', async () => {
  const b = new StreamsBuilder({ applicationId: 'live' });
  b.stream<string>('src', 'in', { codec: stringCodec })
    .mapAsync('slow', async (v) => { await new Promise((r) => setTimeout(r, 5)); return v.toUpperCase(); }, { concurrency: 2, timeoutMs: 1000 })
    .to('out-sink', 'out', { codec: stringCodec });
  const runtime = new EmbeddedRuntime(b.build());
  runtime.start();
  for (const v of ['a', 'b', 'c']) runtime.produce('in', { key: v, value: Buffer.from(v) });
  for (let i = 0; i < 200 && runtime.log.records('out').length < 3; i++) await new Promise((r) => setTimeout(r, 5));
  await runtime.stop();
  assert.equal(runtime.log.records('out').map((r) => r.value!.toString()).sort(), ['A', 'B', 'C']);
  assert.is(runtime.log.committed('live', 'in', 0), 3);
});

test.run();
