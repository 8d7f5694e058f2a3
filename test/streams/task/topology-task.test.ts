import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { jsonCodec, StreamsBuilder, stringCodec, type BranchedKStream } from '../../../src/streams/dsl/index.ts';
import type { TaskError } from '../../../src/streams/task/errors.ts';
import { DEAD_LETTER_HEADERS, TopologyTask } from '../../../src/streams/task/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { FakeTtlStore, fakeJsonCodec } from './fake-store.ts';
import { collectingProducer, input, manualProducer, runToEnd, turn } from './helpers.ts';

/** in → keep values not starting with "drop" → upper-case → out; dead letters to dlq */
function simpleTopology() {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  b.stream<string>('src', 'in', { codec: stringCodec, deadLetter: dlq })
    .filter('keep', (v) => !v.startsWith('drop'))
    .mapValues('upper', (v) => { if (v === 'boom') throw new Error('boom!'); return v.toUpperCase(); })
    .to('out-sink', 'out', { codec: stringCodec });
  return b.build();
}

test('a record finishes only when every output it caused is acknowledged', async () => {
  const producer = manualProducer();
  const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer });
  let done = false;
  void task.process(input('in', 0, 0, 'a')).then(() => { done = true; });
  await turn();
  assert.is(done, false);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }]);
  assert.is(task.unfinished(), 1);
  assert.is(producer.sent[0]!.record.value!.toString(), 'A');
  producer.sent[0]!.ack();
  await turn();
  assert.is(done, true);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 1 }]);
  assert.is(task.unfinished(), 0);
});

test('committable offsets are the contiguous finished prefix; never past an unfinished record (property)', async () => {
  // model: each record sends 0 (filtered) or 1 output; acks arrive in a random order
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ partition: fc.integer({ min: 0, max: 2 }), dropped: fc.boolean() }), { minLength: 1, maxLength: 30 }),
    fc.infiniteStream(fc.nat()),
    async (records, choices) => {
      const producer = manualProducer();
      const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer });
      const nextOffset = [0, 0, 0];
      const finished = new Map<string, boolean>();
      const sentFor: string[] = []; // producer.sent[i] belongs to record sentFor[i]
      for (const r of records) {
        const offset = nextOffset[r.partition]!++;
        const id = `${r.partition}:${offset}`;
        finished.set(id, r.dropped);
        const before = producer.sent.length;
        void task.process(input('in', r.partition, offset, r.dropped ? 'drop' : 'x'));
        if (producer.sent.length > before) sentFor.push(id);
      }
      const pending = producer.sent.map((s, i) => ({ s, id: sentFor[i]! }));
      const choice = choices[Symbol.iterator]();
      const check = () => {
        for (const { partition, offset } of task.committableOffsets()) {
          let expected = 0;
          while (finished.get(`${partition}:${expected}`) === true) expected++;
          assert.is(offset, expected, `partition ${partition}`);
        }
      };
      await turn();
      check();
      while (pending.length > 0) {
        const [next] = pending.splice(choice.next().value % pending.length, 1);
        next!.s.ack();
        finished.set(next!.id, true);
        await turn();
        check();
      }
      assert.is(task.unfinished(), 0);
    },
  ), { numRuns: 60 });
});

test('decode failures go to the dead-letter sink with reason and origin; the offset moves on', async () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  b.stream('src', 'in', { codec: jsonCodec({ type: 'object', required: ['id'] }, 'thing'), deadLetter: dlq }).to('out-sink', 'out', { codec: jsonCodec() });
  const producer = collectingProducer();
  const errors: string[] = [];
  const task = new TopologyTask(b.build(), { clock: new ManualClock(5), producer, onRecordError: (e) => errors.push(e.code) });
  await task.process({ ...input('in', 3, 7, '{"nope":1}', 'k1'), headers: { 'x-rh-identity': 'abc' } });
  await task.process(input('in', 3, 8, '{"id":1}', 'k2'));
  assert.equal(producer.records.map((r) => r.topic), ['dlq', 'out']);
  const dead = producer.records[0]!;
  assert.is(dead.key, 'k1');
  assert.is(dead.value!.toString(), '{"nope":1}', 'original bytes, for replay');
  assert.equal(dead.headers, {
    'x-rh-identity': 'abc',
    [DEAD_LETTER_HEADERS.code]: 'RECORD_DECODE_FAILED',
    [DEAD_LETTER_HEADERS.reason]: "src: thing: value must have required property 'id'",
    [DEAD_LETTER_HEADERS.node]: 'src',
    [DEAD_LETTER_HEADERS.topic]: 'in',
    [DEAD_LETTER_HEADERS.partition]: '3',
    [DEAD_LETTER_HEADERS.offset]: '7',
  });
  assert.equal(errors, ['RECORD_DECODE_FAILED']);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 3, offset: 9 }]);
  assert.is(task.metrics.deadLettered, 1);
});

test('a throwing step sends the record to the source dead-letter sink; without one it is dropped and reported', async () => {
  const producer = collectingProducer();
  const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer });
  await task.process(input('in', 0, 0, 'boom'));
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.code], 'RECORD_PROCESSING_FAILED');
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.reason], 'upper: boom!');

  const b = new StreamsBuilder({ applicationId: 'app' });
  b.stream<string>('src', 'in', { codec: stringCodec }).mapValues('fail', (): string => { throw new Error('no'); }).to('s', 'out', { codec: stringCodec });
  const reported: string[] = [];
  const bare = new TopologyTask(b.build(), { clock: new ManualClock(), producer, onRecordError: (e) => reported.push(`${e.code} ${e.node}`) });
  await bare.process(input('in', 0, 0, 'x'));
  assert.equal(reported, ['RECORD_PROCESSING_FAILED fail']);
  assert.is(bare.metrics.dropped, 1);
  assert.equal(bare.committableOffsets(), [{ topic: 'in', partition: 0, offset: 1 }]);
});

test('a sink codec that throws is a record error too (RECORD_ENCODE_FAILED)', async () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  b.stream<string>('src', 'in', { codec: stringCodec, deadLetter: dlq }).to('s', 'out', { codec: { name: 'bad', decode: () => '', encode: (): Buffer => { throw new Error('cannot'); } } });
  const producer = collectingProducer();
  const task = new TopologyTask(b.build(), { clock: new ManualClock(), producer });
  await task.process(input('in', 0, 0, 'x'));
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.code], 'RECORD_ENCODE_FAILED');
});

test('an output that is not acknowledged fails the task; its offset is never committable', async () => {
  const producer = manualProducer();
  const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer });
  const first = task.process(input('in', 0, 0, 'a'));
  void task.process(input('in', 0, 1, 'b'));
  producer.sent[0]!.fail(new Error('broker down'));
  producer.sent[1]!.ack();
  try {
    await first;
    assert.unreachable();
  } catch (error) {
    assert.is((error as TaskError).code, 'TASK_OUTPUT_FAILED');
  }
  await turn();
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }]);
  assert.throws(() => task.process(input('in', 0, 2, 'c')), (e: TaskError) => e.code === 'TASK_FAILED');
  try {
    await task.drain();
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /broker down/);
  }
});

test('rebalance: drainPartition waits for that partition only; forgetPartition lets it restart at its commit', async () => {
  const producer = manualProducer();
  const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer });
  void task.process(input('in', 0, 0, 'a'));
  void task.process(input('in', 0, 1, 'b'));
  void task.process(input('in', 1, 0, 'c'));
  let drained = false;
  void task.drainPartition('in', 0).then(() => { drained = true; });
  producer.sent[2]!.ack(); // partition 1
  producer.sent[0]!.ack();
  await turn();
  assert.is(drained, false);
  producer.sent[1]!.ack();
  await turn();
  assert.is(drained, true);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 2 }, { topic: 'in', partition: 1, offset: 1 }]);
  task.forgetPartition('in', 0);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 1, offset: 1 }]);
  void task.process(input('in', 0, 1, 'b')); // assigned again, re-read from the commit
  assert.is(task.unfinished('in', 0), 1);
});

test('closing a failed task does not wait: running calls are aborted, nothing more is sent', async () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const routes = b.stream<string>('src', 'in', { codec: stringCodec }).split('sp').branch('fast', (v) => v === 'fast').defaultBranch('slow');
  routes.fast.to('fast-sink', 'fast', { codec: stringCodec });
  let aborted = 0;
  let calls = 0;
  routes.slow
    .mapAsync('wait', (v, ctx) => new Promise<string>((_resolve, reject) => {
      calls++;
      ctx.signal.addEventListener('abort', () => { aborted++; reject(ctx.signal.reason as Error); });
    }), { concurrency: 1, timeoutMs: 1_000_000, retry: { maxAttempts: 5 } })
    .to('slow-sink', 'slow', { codec: stringCodec });
  const producer = manualProducer();
  const clock = new ManualClock();
  const task = new TopologyTask(b.build(), { clock, producer });
  void task.process(input('in', 0, 0, 'slow', 'a')).catch(() => undefined);
  void task.process(input('in', 0, 1, 'slow', 'b')).catch(() => undefined);
  void task.process(input('in', 0, 2, 'fast')).catch(() => undefined);
  producer.sent[0]!.fail(new Error('broker down'));
  await turn();
  try {
    await task.close();
    assert.unreachable();
  } catch (error) {
    assert.match((error as Error).message, /broker down/);
  }
  await turn();
  clock.advance(10_000_000);
  await turn();
  assert.is(aborted, 1);
  assert.is(calls, 1, 'no retry and no queued call starts after the stop');
  assert.is(producer.sent.length, 1);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 0 }]);
});

test('misuse throws TaskError: unknown topic, offsets going back, closed task', async () => {
  const task = new TopologyTask(simpleTopology(), { clock: new ManualClock(), producer: collectingProducer() });
  assert.throws(() => task.process(input('other', 0, 0, 'a')), (e: TaskError) => e.code === 'TASK_UNKNOWN_TOPIC');
  await task.process(input('in', 0, 5, 'a'));
  assert.throws(() => task.process(input('in', 0, 5, 'a')), (e: TaskError) => e.code === 'TASK_OFFSET_OUT_OF_ORDER');
  await task.close();
  assert.throws(() => task.process(input('in', 0, 6, 'a')), (e: TaskError) => e.code === 'TASK_CLOSED');
});

test('stores: writes go to the changelog and hold the record until acknowledged; undeclared use is a record error', async () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  const seen = b.addStore('seen', { ttlMs: 1000, codec: fakeJsonCodec });
  const s = b.stream<string>('src', 'in', { codec: stringCodec, deadLetter: dlq });
  s.peek('remember', (v, ctx) => ctx.store(seen).put(String(ctx.key), v), { stores: [seen] });
  s.filter('sneaky', (_v, ctx) => ctx.store(seen).get('x') === undefined);
  const topology = b.build();
  assert.throws(() => new TopologyTask(topology, { clock: new ManualClock(), producer: collectingProducer() }), (e: TaskError) => e.code === 'TASK_MISSING_STORE');
  const clock = new ManualClock(100);
  const store = new FakeTtlStore(1000, () => clock.now(), fakeJsonCodec);
  const producer = manualProducer();
  const task = new TopologyTask(topology, { clock, producer, stores: { seen: store } });
  let done = false;
  void task.process(input('in', 0, 0, 'v1', 'k1')).then(() => { done = true; });
  await turn();
  assert.equal(store.get('k1'), 'v1');
  const [changelog, dead] = producer.sent;
  assert.is(changelog!.record.topic, 'app-seen-changelog');
  assert.is(changelog!.record.key, 'k1');
  assert.is(changelog!.record.value!.toString(), '"v1"');
  assert.is(changelog!.record.timestamp, 100);
  assert.is(dead!.record.headers[DEAD_LETTER_HEADERS.code], 'RECORD_PROCESSING_FAILED');
  assert.match(dead!.record.headers[DEAD_LETTER_HEADERS.reason]!, /sneaky uses store "seen" without declaring it/);
  dead!.ack();
  await turn();
  assert.is(done, false, 'waits for the changelog write');
  changelog!.ack();
  await turn();
  assert.is(done, true);
});

test('purgeExpired writes tombstones through the changelog port', async () => {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const seen = b.addStore('seen', { ttlMs: 10, codec: fakeJsonCodec });
  b.stream<string>('src', 'in', { codec: stringCodec }).peek('remember', (v, ctx) => ctx.store(seen).put(v, 1), { stores: [seen] });
  const clock = new ManualClock(0);
  const changes: [string, string | null][] = [];
  const task = new TopologyTask(b.build(), {
    clock, producer: collectingProducer(), stores: { seen: new FakeTtlStore(10, () => clock.now(), fakeJsonCodec) },
    changelog: async (c) => { changes.push([c.key, c.value === null ? null : c.value.toString()]); },
  });
  await task.process(input('in', 0, 0, 'a'));
  clock.advance(10);
  await task.purgeExpired();
  assert.equal(changes, [['a', '1'], ['a', null]]);
  await task.drain();
});

test('split is first-match: each record goes to the first branch whose predicate holds, else default (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 4 }),
    fc.boolean(),
    fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 40 }),
    async (thresholds, withDefault, values) => {
      const b = new StreamsBuilder({ applicationId: 'app' });
      let split: BranchedKStream<number, string> = b.stream<number>('src', 'in', { codec: jsonCodec<number>() }).split('split');
      thresholds.forEach((t, i) => { split = split.branch(`b${i}`, (v) => v >= t); });
      const branches = withDefault ? split.defaultBranch('default') : split.noDefaultBranch();
      for (const [name, stream] of Object.entries(branches)) stream.to(`${name}-sink`, name, { codec: jsonCodec() });
      const producer = collectingProducer();
      const task = new TopologyTask(b.build(), { clock: new ManualClock(), producer });
      for (const [i, v] of values.entries()) await task.process(input('in', 0, i, JSON.stringify(v)));
      // reference model
      const expected = values.flatMap((v) => {
        const i = thresholds.findIndex((t) => v >= t);
        if (i >= 0) return [[`b${i}`, v]];
        return withDefault ? [['default', v]] : [];
      });
      assert.equal(producer.records.map((r) => [r.topic, JSON.parse(r.value!.toString())]), expected);
    },
  ), { numRuns: 100 });
});

test('merge keeps the order of records within each input partition (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ topic: fc.constantFrom('a', 'b'), partition: fc.integer({ min: 0, max: 1 }), copies: fc.integer({ min: 0, max: 3 }) }), { maxLength: 40 }),
    async (records) => {
      // a flatMap that emits 0–2 copies and a merge of two sources; acks arrive out of order
      const b = new StreamsBuilder({ applicationId: 'app' });
      const a = b.stream<string>('a-src', 'a', { codec: stringCodec });
      const other = b.stream<string>('b-src', 'b', { codec: stringCodec });
      a.merge('merge', other).flatMap('copies', (r) => Array.from({ length: Number(r.value.split('/')[3]) % 3 }, () => ({ key: r.key, value: r.value }))).to('sink', 'out', { codec: stringCodec });
      const producer = manualProducer();
      const clock = new ManualClock();
      const task = new TopologyTask(b.build(), { clock, producer });
      const offsets = new Map<string, number>();
      const inputs: string[] = [];
      for (const r of records) {
        const tp = `${r.topic}/${r.partition}`;
        const offset = offsets.get(tp) ?? 0;
        offsets.set(tp, offset + 1);
        const value = `${tp}/${offset}/${r.copies}`;
        inputs.push(value);
        void task.process(input(r.topic, r.partition, offset, value));
        producer.sent.at(-1)?.ack();
      }
      for (const s of producer.sent) s.ack();
      await turn();
      const out = producer.sent.map((s) => s.record.value!.toString());
      for (const tp of offsets.keys()) {
        const ofPartition = (list: string[]) => list.filter((v) => v.startsWith(`${tp}/`));
        const expected = ofPartition(inputs).flatMap((v) => Array.from({ length: Number(v.split('/')[3]) % 3 }, () => v));
        assert.equal(ofPartition(out), expected);
      }
      await runToEnd(task, clock);
      assert.equal(task.committableOffsets().map((o) => o.offset).sort(), [...offsets.values()].sort());
    },
  ), { numRuns: 100 });
});

test.run();
