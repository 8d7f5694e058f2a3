import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TopologyObserver } from '../../src/streams/task/index.ts';
import { TopologyStats } from '../../src/topology-page/index.ts';

function setup() {
  const observer = new TopologyObserver();
  let now = 1_000_000;
  const lag = [{ topic: 'req', partition: 0, lag: 4 }, { topic: 'req', partition: 1, lag: 1 }, { topic: 'other', partition: 0, lag: 9 }];
  const stats = new TopologyStats({
    observer,
    nodeIds: new Map([['step', 'n_step'], ['sink', 'n_sink']]),
    topicIds: new Map([['req', 't_req'], ['out', 't_out']]),
    lag: () => lag,
    now: () => now,
    windowMs: 5000,
  });
  return { observer, stats, advance: (ms: number) => { now += ms; } };
}

test('counts by element id; lag summed per topic, only for topics the worker reads', () => {
  const { observer, stats } = setup();
  observer.recordIn('step'); observer.recordOut('step'); observer.recordError('step');
  const snapshot = stats.snapshot();
  assert.equal(snapshot.nodes.n_step, { name: 'step', in: 1, out: 1, errors: 1, perSecond: 0 });
  assert.equal(snapshot.nodes.n_sink, { name: 'sink', in: 0, out: 0, errors: 0, perSecond: 0 });
  assert.equal(snapshot.topics, { t_req: { name: 'req', lag: 5 } });
  assert.is(snapshot.at, 1_000_000);
});

test('throughput is records out per second over the window of earlier polls', () => {
  const { observer, stats, advance } = setup();
  stats.snapshot();
  for (let i = 0; i < 20; i++) observer.recordOut('step');
  advance(2000);
  assert.is(stats.snapshot().nodes.n_step!.perSecond, 10);
  advance(2000);
  assert.is(stats.snapshot().nodes.n_step!.perSecond, 5, '20 records over 4 s');
  advance(4000);
  assert.is(stats.snapshot().nodes.n_step!.perSecond, 0, 'the first samples left the window; nothing since');
});

test.run();
