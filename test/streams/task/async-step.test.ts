// mapAsync through the task: per-key order, the concurrency bound, coalescing, timeouts, retries
// with backoff and dead letters, all on a manual clock.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { jsonCodec, StreamsBuilder, type MapAsyncOptions } from '../../../src/streams/dsl/index.ts';
import { DEAD_LETTER_HEADERS, TopologyTask } from '../../../src/streams/task/index.ts';
import { ManualClock, type Clock } from '../../../src/streams/clock.ts';
import { collectingProducer, input, runToEnd, turn } from './helpers.ts';

interface Item {
  id: number;
  latency: number;
}

const sleep = (clock: Clock, ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const cancel = clock.schedule(ms, resolve);
  signal?.addEventListener('abort', () => { cancel(); reject(signal.reason as Error); });
});

function asyncTopology(clock: Clock, call: (item: Item, signal: AbortSignal, attempt: number) => Promise<unknown>, options: Omit<MapAsyncOptions, 'deadLetter'>) {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  b.stream<Item>('src', 'in', { codec: jsonCodec<Item>() })
    .mapAsync('call', (item, ctx) => call(item, ctx.signal, ctx.attempt), { ...options, deadLetter: dlq })
    .to('out-sink', 'out', { codec: jsonCodec() });
  const producer = collectingProducer();
  return { task: new TopologyTask(b.build(), { clock, producer }), producer };
}

test('per-key order and the concurrency bound hold under random latencies (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c', 'd', 'e'), latency: fc.integer({ min: 0, max: 50 }), partition: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 4 }),
    async (records, concurrency) => {
      const clock = new ManualClock();
      let running = 0;
      let peak = 0;
      const { task, producer } = asyncTopology(clock, async (item) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(clock, item.latency);
        running--;
        return item.id;
      }, { concurrency, timeoutMs: 1000 });
      const offsets = [0, 0];
      records.forEach((r, id) => void task.process(input('in', r.partition, offsets[r.partition]!++, JSON.stringify({ id, latency: r.latency }), r.key)));
      await runToEnd(task, clock);
      assert.ok(peak <= concurrency, `peak ${peak} > ${concurrency}`);
      assert.ok(task.asyncStepState('call')!.peakRunning <= concurrency);
      const out = producer.records.map((r) => [r.key, JSON.parse(r.value!.toString()) as number] as const);
      assert.is(out.length, records.length);
      for (const key of new Set(records.map((r) => r.key))) {
        const expected = records.flatMap((r, id) => (r.key === key ? [id] : []));
        assert.equal(out.filter(([k]) => k === key).map(([, id]) => id), expected, `order of key ${key}`);
      }
    },
  ), { numRuns: 80 });
});

test('the bound is used: distinct keys run side by side up to the concurrency', async () => {
  const clock = new ManualClock();
  let running = 0;
  let peak = 0;
  const { task } = asyncTopology(clock, async (item) => { running++; peak = Math.max(peak, running); await sleep(clock, item.latency); running--; }, { concurrency: 3, timeoutMs: 100 });
  for (let i = 0; i < 10; i++) void task.process(input('in', 0, i, JSON.stringify({ id: i, latency: 10 }), `k${i}`));
  assert.is(task.asyncStepState('call')!.running, 3);
  assert.is(task.asyncStepState('call')!.queued, 7);
  await runToEnd(task, clock);
  assert.is(peak, 3);
  assert.is(clock.now(), 40, 'ten 10 ms calls, three at a time: four rounds');
});

test('coalescing: records whose key has a call running share its result', async () => {
  const clock = new ManualClock();
  const calls: number[] = [];
  const { task, producer } = asyncTopology(clock, async (item) => { calls.push(item.id); await sleep(clock, 10); return `result-${item.id}`; }, { concurrency: 2, timeoutMs: 100, coalesceByKey: true });
  void task.process(input('in', 0, 0, JSON.stringify({ id: 0 }), 'k'));
  void task.process(input('in', 0, 1, JSON.stringify({ id: 1 }), 'k'));
  void task.process(input('in', 0, 2, JSON.stringify({ id: 2 }), 'other'));
  void task.process(input('in', 0, 3, JSON.stringify({ id: 3 }), 'k'));
  await runToEnd(task, clock);
  assert.equal(calls, [0, 2]);
  assert.equal(producer.records.map((r) => [r.key, JSON.parse(r.value!.toString())]), [['k', 'result-0'], ['k', 'result-0'], ['k', 'result-0'], ['other', 'result-2']]);
  // once the call is done, the next record for the key calls again
  void task.process(input('in', 0, 4, JSON.stringify({ id: 4 }), 'k'));
  await runToEnd(task, clock);
  assert.equal(calls, [0, 2, 4]);
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 0, offset: 5 }]);
});

test('coalescing matches a model: a record joins the call in flight for its key, else starts one (property)', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.record({ key: fc.constantFrom('a', 'b', 'c'), gap: fc.integer({ min: 0, max: 30 }), latency: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 30 }),
    async (records) => {
      const clock = new ManualClock();
      const calls: number[] = [];
      const { task, producer } = asyncTopology(clock, async (item) => { calls.push(item.id); await sleep(clock, item.latency); return item.id; }, {
        concurrency: 1000, timeoutMs: 1_000_000, coalesceByKey: true,
      });
      // model: per key, the call in flight (its id and when it ends)
      const inFlight = new Map<string, { id: number; end: number }>();
      const expectedCalls: number[] = [];
      const expectedResult: number[] = [];
      let now = 0;
      for (const [id, r] of records.entries()) {
        now += r.gap;
        // let the clock reach the arrival time, firing (and settling) the calls that end before it
        for (let next = clock.nextTimerAt(); next !== undefined && next <= now; next = clock.nextTimerAt()) {
          clock.advanceTo(next);
          for (let i = 0; i < 3; i++) await turn();
        }
        clock.advanceTo(now);
        const running = inFlight.get(r.key);
        if (running && now < running.end) {
          expectedResult.push(running.id);
        } else {
          inFlight.set(r.key, { id, end: now + r.latency });
          expectedCalls.push(id);
          expectedResult.push(id);
        }
        void task.process(input('in', 0, id, JSON.stringify({ id, latency: r.latency }), r.key));
      }
      await runToEnd(task, clock);
      assert.equal(calls, expectedCalls);
      // one output per record; per key in arrival order, each with the result of the call it joined
      for (const key of new Set(records.map((r) => r.key))) {
        const want = records.flatMap((r, id) => (r.key === key ? [expectedResult[id]] : []));
        const got = producer.records.filter((o) => o.key === key).map((o) => JSON.parse(o.value!.toString()) as number);
        assert.equal(got, want, `key ${key}`);
      }
    },
  ), { numRuns: 80 });
});

test('without coalescing, same-key records call one after the other', async () => {
  const clock = new ManualClock();
  const starts: [number, number][] = [];
  const { task } = asyncTopology(clock, async (item) => { starts.push([item.id, clock.now()]); await sleep(clock, 10); }, { concurrency: 5, timeoutMs: 100 });
  for (let i = 0; i < 3; i++) void task.process(input('in', 0, i, JSON.stringify({ id: i }), 'k'));
  await runToEnd(task, clock);
  assert.equal(starts, [[0, 0], [1, 10], [2, 20]]);
});

test('timeouts abort the attempt; retries back off exponentially; exhausted retries go to the dead-letter sink', async () => {
  const clock = new ManualClock();
  const attempts: [number, number][] = [];
  let aborted = 0;
  const { task, producer } = asyncTopology(clock, async (_item, signal, attempt) => {
    attempts.push([attempt, clock.now()]);
    signal.addEventListener('abort', () => aborted++);
    await sleep(clock, 1_000_000);
  }, { concurrency: 1, timeoutMs: 50, retry: { maxAttempts: 4, initialBackoffMs: 10, multiplier: 3, maxBackoffMs: 60 } });
  void task.process(input('in', 2, 9, JSON.stringify({ id: 1 }), 'k'));
  await runToEnd(task, clock);
  // attempt n starts after n-1 timeouts (50 each) and backoffs 10, 30, 60 (capped from 90)
  assert.equal(attempts, [[1, 0], [2, 60], [3, 140], [4, 250]]);
  assert.is(aborted, 4);
  const [dead] = producer.records;
  assert.is(dead!.topic, 'dlq');
  assert.is(dead!.headers[DEAD_LETTER_HEADERS.code], 'RECORD_RETRIES_EXHAUSTED');
  assert.is(dead!.headers[DEAD_LETTER_HEADERS.reason], 'call: gave up after 4 attempts: attempt 4 timed out after 50 ms');
  assert.is(dead!.headers[DEAD_LETTER_HEADERS.node], 'call');
  assert.is(dead!.headers[DEAD_LETTER_HEADERS.partition], '2');
  assert.is(dead!.headers[DEAD_LETTER_HEADERS.offset], '9');
  assert.equal(task.committableOffsets(), [{ topic: 'in', partition: 2, offset: 10 }]);
});

test('a transient failure then success: the result goes out once', async () => {
  const clock = new ManualClock();
  let calls = 0;
  const { task, producer } = asyncTopology(clock, async () => { calls++; if (calls < 3) throw new Error('throttled'); return 'ok'; }, { concurrency: 1, timeoutMs: 50, retry: { maxAttempts: 3 } });
  void task.process(input('in', 0, 0, JSON.stringify({ id: 1 }), 'k'));
  await runToEnd(task, clock);
  assert.equal(producer.records.map((r) => [r.topic, r.value!.toString()]), [['out', '"ok"']]);
});

test('a non-retryable error goes to the dead-letter sink at once; a single timed-out attempt is RECORD_ASYNC_TIMEOUT', async () => {
  const clock = new ManualClock();
  let calls = 0;
  const definitive = Object.assign(new Error('access denied'), { definitive: true });
  const { task, producer } = asyncTopology(clock, async () => { calls++; throw definitive; }, {
    concurrency: 1, timeoutMs: 50, retry: { maxAttempts: 5, retryable: (e) => !(e as { definitive?: boolean }).definitive },
  });
  void task.process(input('in', 0, 0, JSON.stringify({ id: 1 }), 'k'));
  await runToEnd(task, clock);
  assert.is(calls, 1);
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.code], 'RECORD_ASYNC_FAILED');
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.reason], 'call: access denied');

  const slow = asyncTopology(clock, (_item, signal) => sleep(clock, 100, signal), { concurrency: 1, timeoutMs: 50 });
  void slow.task.process(input('in', 0, 0, JSON.stringify({ id: 1 }), 'k'));
  await runToEnd(slow.task, clock);
  assert.is(slow.producer.records[0]!.headers[DEAD_LETTER_HEADERS.code], 'RECORD_ASYNC_TIMEOUT');
});

test('a step that throws synchronously is handled like a rejected call', async () => {
  const clock = new ManualClock();
  const { task, producer } = asyncTopology(clock, () => { throw new Error('sync'); }, { concurrency: 1, timeoutMs: 50 });
  void task.process(input('in', 0, 0, JSON.stringify({ id: 1 }), null));
  await runToEnd(task, clock);
  assert.is(producer.records[0]!.headers[DEAD_LETTER_HEADERS.reason], 'call: gave up after 1 attempts: sync');
});

test('a priority source\'s record takes the next free slot before waiting normal records, also when it joins one', async () => {
  const clock = new ManualClock();
  const b = new StreamsBuilder({ applicationId: 'app' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  const normal = b.stream<Item>('normal', 'in', { codec: jsonCodec<Item>() });
  const urgent = b.stream<Item>('urgent', 'in-priority', { codec: jsonCodec<Item>(), priority: true });
  const order: number[] = [];
  normal.merge('both', urgent)
    .mapAsync('call', async (item) => { order.push(item.id); await sleep(clock, 10); return item.id; }, { concurrency: 1, timeoutMs: 1000, coalesceByKey: true, deadLetter: dlq })
    .to('out-sink', 'out', { codec: jsonCodec() });
  const producer = collectingProducer();
  const task = new TopologyTask(b.build(), { clock, producer });
  // one running, four waiting: then a priority record of its own key and one joining waiting key "n3"
  for (let i = 0; i < 5; i++) void task.process(input('in', 0, i, JSON.stringify({ id: i, latency: 0 }), `n${i}`));
  void task.process(input('in-priority', 0, 0, JSON.stringify({ id: 100, latency: 0 }), 'p'));
  void task.process(input('in-priority', 0, 1, JSON.stringify({ id: 101, latency: 0 }), 'n3'));
  await runToEnd(task, clock);
  assert.equal(order, [0, 100, 3, 1, 2, 4], 'the running call finishes; then the priority key, then the waiting key a priority record joined');
  assert.is(producer.records.length, 7, 'every record answered (the joined one by its leader\'s call)');
});

test.run();
