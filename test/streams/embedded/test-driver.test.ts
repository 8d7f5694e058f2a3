import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, StreamsBuilder, type Clock } from '../../../src/index.ts';
import { TopologyTestDriver } from '../../../src/streams/embedded/index.ts';
import {
  buildTopology as buildCachedCheck, CHECK_DLQ_TOPIC, PRIORITY_TOPIC, REQUESTS_TOPIC, STATUS_TOPIC, type CheckResult,
} from '../../../topology/examples/cached-check.ts';
import {
  buildTopology as buildOrderRouting, DOMESTIC_TOPIC, LARGE_TOPIC, ORDERS_DLQ_TOPIC, ORDERS_TOPIC, OTHER_TOPIC,
} from '../../../topology/examples/order-routing.ts';

const sleep = (clock: Clock, ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const cancel = clock.schedule(ms, resolve);
  signal?.addEventListener('abort', () => { cancel(); reject(signal.reason as Error); });
});

test('order routing: pipe, run until idle, read sinks and dead letters', async () => {
  const driver = new TopologyTestDriver(buildOrderRouting(), { partitions: 3 });
  driver.pipeJson(ORDERS_TOPIC, 'o1', { id: 'o1', amount: 5000, country: 'NL' });
  driver.pipeJson(ORDERS_TOPIC, 'o2', { id: 'o2', amount: 10, country: 'NL' });
  driver.pipeJson(ORDERS_TOPIC, 'o3', { id: 'o3', amount: 10, country: 'DE' });
  driver.pipeJson(ORDERS_TOPIC, 'o4', { id: 'o4', amount: 0, country: 'DE' });
  driver.pipeJson(ORDERS_TOPIC, 'o5', { id: 'o5', amount: 'lots' });
  await driver.runUntilIdle();
  assert.equal(driver.readValues(LARGE_TOPIC), [{ id: 'o1', amount: 5000, country: 'NL' }]);
  assert.equal(driver.readValues(DOMESTIC_TOPIC), [{ id: 'nl-o2', amount: 10, country: 'NL' }]);
  assert.equal(driver.readValues(OTHER_TOPIC), [{ id: 'o3', amount: 10, country: 'DE' }]);
  const [dead, ...more] = driver.deadLetters();
  assert.is(more.length, 0);
  assert.is(dead!.topic, ORDERS_DLQ_TOPIC);
  assert.is(dead!.key, 'o5');
  assert.is(dead!.code, 'RECORD_DECODE_FAILED');
  assert.match(dead!.reason, /order: value must have required property 'country'/);
  assert.is(dead!.origin.topic, ORDERS_TOPIC);
  assert.is(dead!.origin.offset, driver.readOutput(ORDERS_TOPIC).find((r) => r.key === 'o5')!.offset);
  for (let p = 0; p < 3; p++) assert.is(driver.committed(ORDERS_TOPIC, p), driver.log.endOffset(ORDERS_TOPIC, p));
});

test('cached check: a result is replayed from the table until its TTL passes, then checked again', async () => {
  const calls: string[] = [];
  const topology = buildCachedCheck({ check: async (id) => { calls.push(id); return 'available'; }, ttlMs: 1000 });
  const driver = new TopologyTestDriver(topology, { startTime: 10_000 });
  driver.pipeJson(REQUESTS_TOPIC, '7', { source_id: '7' });
  await driver.runUntilIdle();
  driver.pipeJson(REQUESTS_TOPIC, '7', { source_id: '7' });
  await driver.runUntilIdle();
  await driver.advanceTime(1000);
  driver.pipeJson(REQUESTS_TOPIC, '7', { source_id: '7' });
  driver.pipeJson(PRIORITY_TOPIC, '7', { source_id: '7', no_cache: true });
  await driver.runUntilIdle();
  assert.equal(calls, ['7', '7'], 'the expired request and the no-cache request share one call (coalesced)');
  assert.equal(driver.readValues<CheckResult>(STATUS_TOPIC).map((r) => r.via), ['check', 'cache', 'check', 'check']);
  assert.is(driver.store('results')!.get('7'), 'available');
});

test('runUntilIdle jumps the clock over waits (backoff, sleeps); advanceTime alone does not jump', async () => {
  // the step sleeps on the driver's clock, which exists only once the driver does
  const time: { clock?: Clock } = {};
  const b = new StreamsBuilder({ applicationId: 'waits' });
  b.stream<number>('src', 'in', { codec: jsonCodec<number>() })
    .mapAsync('wait', async (ms, ctx) => { await sleep(time.clock!, ms, ctx.signal); return ms; }, { concurrency: 1, timeoutMs: 10_000 })
    .to('out-sink', 'out', { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  time.clock = driver.clock;
  driver.pipeJson('in', null, 500);
  await driver.runUntilIdle();
  assert.is(driver.clock.now(), 500);
  assert.equal(driver.readValues('out'), [500]);

  driver.pipeJson('in', null, 300);
  await driver.runUntilIdle({ autoAdvance: false });
  assert.is(driver.unfinished, 1, 'waits for time');
  await driver.advanceTime(299);
  assert.is(driver.unfinished, 1);
  await driver.advanceTime(1);
  assert.is(driver.unfinished, 0);
  assert.equal(driver.readValues('out'), [500, 300]);
});

test('advanceTime wakes a step that sleeps twice within one advance', async () => {
  const time: { clock?: Clock } = {};
  const b = new StreamsBuilder({ applicationId: 'twice' });
  b.stream<number>('src', 'in', { codec: jsonCodec<number>() })
    .mapAsync('twice', async (ms) => { await sleep(time.clock!, ms); await sleep(time.clock!, ms); return time.clock!.now(); }, { concurrency: 1, timeoutMs: 10_000 })
    .to('out-sink', 'out', { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  time.clock = driver.clock;
  driver.pipeJson('in', null, 10);
  await driver.runUntilIdle({ autoAdvance: false });
  await driver.advanceTime(25);
  assert.equal(driver.readValues('out'), [20]);
  assert.is(driver.clock.now(), 25);
});

test('dead letters from the async step carry the reason; offsets still move on', async () => {
  const topology = buildCachedCheck({ check: async () => { throw new Error('Sources is down'); }, retry: { maxAttempts: 2, initialBackoffMs: 50 } });
  const driver = new TopologyTestDriver(topology);
  driver.pipeJson(REQUESTS_TOPIC, '9', { source_id: '9' }, { 'x-rh-identity': 'id' });
  await driver.runUntilIdle();
  const [dead] = driver.deadLetters();
  assert.is(dead!.topic, CHECK_DLQ_TOPIC);
  assert.is(dead!.code, 'RECORD_RETRIES_EXHAUSTED');
  assert.is(dead!.reason, 'check: gave up after 2 attempts: Sources is down');
  assert.is(dead!.headers['x-rh-identity'], 'id');
  assert.equal(JSON.parse(dead!.value!.toString()), { source_id: '9' });
  assert.is(driver.clock.now(), 50, 'one backoff');
  assert.is(driver.committed(REQUESTS_TOPIC), 1);
  assert.equal(driver.readValues(STATUS_TOPIC), []);
});

test('close() finishes the work in progress', async () => {
  const driver = new TopologyTestDriver(buildOrderRouting());
  driver.pipeJson(ORDERS_TOPIC, 'o1', { id: 'o1', amount: 1, country: 'NL' });
  await driver.close();
  assert.is(driver.readOutput(DOMESTIC_TOPIC).length, 1);
  assert.is(driver.committed(ORDERS_TOPIC), 1);
});

test.run();
