import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamsBuilder, stringCodec } from '../../src/streams/dsl/index.ts';
import { EmbeddedRuntime } from '../../src/streams/embedded/index.ts';
import type { RuntimeHealth, WorkerRuntime } from '../../src/streams/kafka/index.ts';
import { TopologyObserver } from '../../src/streams/task/index.ts';
import { workerView } from '../../src/service/worker-view.ts';

function topology(slow: Promise<void>) {
  const b = new StreamsBuilder({ applicationId: 'app' });
  b.stream<string>('src', 'in', { codec: stringCodec })
    .mapAsync('wait', async (v) => { await slow; return v; }, { concurrency: 10, timeoutMs: 10_000 })
    .to('sink', 'out', { codec: stringCodec });
  return b.build();
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('embedded: lag is end minus committed per input partition; in flight; ready while running', async () => {
  let release: () => void = () => {};
  const embedded = new EmbeddedRuntime(topology(new Promise<void>((resolve) => { release = resolve; })), { partitions: 2 });
  const view = workerView(embedded);
  for (let i = 0; i < 3; i++) embedded.produce('in', { key: `k${i}`, value: Buffer.from('v') });
  assert.is(view.lag().reduce((sum, p) => sum + p.lag, 0), 3);
  assert.equal(view.lag().map((p) => [p.topic, p.partition]), [['in', 0], ['in', 1]]);
  embedded.start();
  await turn(); await turn();
  assert.is(view.inFlight(), 3, 'taken, not finished');
  assert.is(view.lag().reduce((sum, p) => sum + p.lag, 0), 3, 'not committed yet');
  assert.equal([view.ready().ok, view.ready().runtime], [true, 'embedded']);
  release();
  for (let i = 0; i < 5; i++) await turn();
  assert.is(view.inFlight(), 0);
  assert.is(view.lag().reduce((sum, p) => sum + p.lag, 0), 0);
  assert.is(view.observer.counts('sink').out, 3);
  await embedded.stop();
  assert.is(view.ready().ok, false);
  assert.is(view.live().ok, true, 'stopped is not dead');
});

function fakeKafka(health: Partial<RuntimeHealth>, rebalances = 1): WorkerRuntime {
  const full: RuntimeHealth = { status: 'healthy', healthy: true, joined: rebalances > 0, lastContactAt: 1, assignedPartitions: 2, pausedPartitions: 0, restoringShards: 0, unfinished: 4, ...health };
  // only the members the view reads
  return { kind: 'kafka', topology: topology(Promise.resolve()), observer: new TopologyObserver(), health: () => full, lag: () => [], counters: () => ({ deadLettered: 2, rebalances }) } as unknown as WorkerRuntime;
}

test('kafka: ready = healthy, in the group and no shard restoring; live unless failed', () => {
  const healthy = workerView(fakeKafka({}));
  assert.is(healthy.ready().ok, true);
  assert.is(healthy.live().ok, true);
  assert.is(healthy.inFlight(), 4);
  assert.is(healthy.deadLetters(), 2);
  const joining = workerView(fakeKafka({ assignedPartitions: 0 }, 0));
  assert.equal([joining.ready().ok, joining.ready().reason, joining.live().ok], [false, 'waiting to join the consumer group', true]);
  assert.is(workerView(fakeKafka({ assignedPartitions: 0 }, 1)).ready().ok, true, 'joined with no partition (more workers than partitions): ready');
  const restoring = workerView(fakeKafka({ restoringShards: 1 }));
  assert.is(restoring.ready().ok, false);
  assert.match(String(restoring.ready().reason), /1 table shard\(s\) still restoring/);
  const unreachable = workerView(fakeKafka({ status: 'unhealthy', healthy: false, reason: 'all brokers down' }));
  assert.equal([unreachable.ready().ok, unreachable.ready().reason, unreachable.live().ok], [false, 'all brokers down', true]);
  const failed = workerView(fakeKafka({ status: 'failed', healthy: false, reason: 'output refused' }));
  assert.equal([failed.ready().ok, failed.live().ok, failed.live().status], [false, false, 'failed']);
});

test.run();
