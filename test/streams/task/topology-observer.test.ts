import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { TopologyObserver, TopologyTask, type OutputEvent } from '../../../src/streams/task/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { collectingProducer, input, runToEnd } from './helpers.ts';

/** in → split (short | long) → short: filter "drop" → out; long: fan out in two → out; "boom" fails in async step */
function topology() {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  const routes = b.stream<string>('src', 'in', { codec: stringCodec, deadLetter: dlq })
    .mapAsync('step', async (v) => { if (v === 'boom') throw new Error('boom!'); return v; }, { concurrency: 2, timeoutMs: 1000, retry: { maxAttempts: 1 }, deadLetter: dlq })
    .split('route')
    .branch('short', (v) => v.length <= 4)
    .defaultBranch('long');
  const short = routes.short.filter('keep', (v) => v !== 'drop');
  const long = routes.long.flatMap('twice', (r) => [{ key: r.key, value: r.value }, { key: r.key, value: r.value }]);
  short.merge('both', long).to('out-sink', 'out', { codec: stringCodec });
  return b.build();
}

test('counts records in, out and failed per node, and reports every output with its input', async () => {
  const clock = new ManualClock();
  const observer = new TopologyObserver();
  const events: OutputEvent[] = [];
  observer.onOutput((event) => events.push(event));
  const task = new TopologyTask(topology(), { clock, producer: collectingProducer(), observer });
  const values = ['a', 'drop', 'longer', 'boom'];
  values.forEach((v, offset) => void task.process(input('in', 0, offset, v)));
  await runToEnd(task, clock);
  assert.equal(observer.counts('src'), { in: 4, out: 4, errors: 0 });
  assert.equal(observer.counts('step'), { in: 4, out: 3, errors: 1 });
  assert.equal(observer.counts('route'), { in: 3, out: 3, errors: 0 });
  assert.equal(observer.counts('short'), { in: 2, out: 2, errors: 0 });
  assert.equal(observer.counts('keep'), { in: 2, out: 1, errors: 0 });
  assert.equal(observer.counts('twice'), { in: 1, out: 2, errors: 0 });
  assert.equal(observer.counts('out-sink'), { in: 3, out: 3, errors: 0 });
  assert.equal(observer.counts('dlq-sink'), { in: 1, out: 1, errors: 0 });
  assert.equal(observer.counts('never-reached'), { in: 0, out: 0, errors: 0 });
  const seen = events.map((e) => `${e.sink}@${e.input.offset}${e.error ? `:${e.error.code}` : ''}`).sort();
  assert.equal(seen, ['dlq-sink@3:RECORD_RETRIES_EXHAUSTED', 'out-sink@0', 'out-sink@2', 'out-sink@2']);
});

test('one observer shared by two tasks counts their totals; a throwing listener changes nothing', async () => {
  const clock = new ManualClock();
  const observer = new TopologyObserver();
  observer.onOutput(() => { throw new Error('listener bug'); });
  const producer = collectingProducer();
  const tasks = [0, 1].map(() => new TopologyTask(topology(), { clock, producer, observer }));
  tasks.forEach((task, partition) => void task.process(input('in', partition, 0, 'a')));
  for (const task of tasks) await runToEnd(task, clock);
  assert.equal(observer.counts('out-sink'), { in: 2, out: 2, errors: 0 });
  assert.is(producer.records.length, 2);
  const stop = observer.onOutput(() => {});
  stop();
  assert.ok(observer.snapshot().has('keep'));
});

test.run();
