import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TokenBucket } from '../../src/ratelimit/token-bucket.ts';
import { FakeClock, flush } from './fake-clock.ts';

test('starts full: burst tokens are free, the next one is not', () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 10, burst: 5, clock });
  for (let i = 0; i < 5; i++) assert.ok(bucket.tryTake(), `token ${i}`);
  assert.not.ok(bucket.tryTake());
});

test('refills at the configured rate, capped at the burst', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 10, burst: 3, clock });
  for (let i = 0; i < 3; i++) bucket.tryTake();
  await clock.advance(99);
  assert.not.ok(bucket.tryTake(), 'less than one token after 99 ms at 10/s');
  await clock.advance(1);
  assert.ok(bucket.tryTake(), 'one token after 100 ms');
  await clock.advance(10_000);
  let n = 0;
  while (bucket.tryTake()) n++;
  assert.is(n, 3, 'never more than the burst');
});

test('waiters are served FIFO, one per refill interval, without polling', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 4, burst: 1, clock });
  assert.ok(bucket.tryTake());
  const order: number[] = [];
  const waits = [1, 2, 3].map((i) => bucket.take().then(() => order.push(i)));
  assert.is(clock.pendingTimers, 1, 'one timer for the whole queue');
  assert.not.ok(bucket.tryTake(), 'tryTake never overtakes the queue');
  await clock.advance(249);
  assert.equal(order, []);
  await clock.advance(1);
  assert.equal(order, [1]);
  await clock.advance(500);
  assert.equal(order, [1, 2, 3]);
  await Promise.all(waits);
  assert.is(bucket.stats.waits, 3);
  assert.is(bucket.stats.granted, 4);
  assert.is(clock.pendingTimers, 0, 'no timer left once the queue is empty');
});

test('an aborted waiter leaves the queue and consumes nothing', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 1, burst: 1, clock });
  bucket.tryTake();
  const controller = new AbortController();
  const first = bucket.take(controller.signal);
  let secondDone = false;
  const second = bucket.take().then(() => { secondDone = true; });
  controller.abort(new Error('gone'));
  try { await first; assert.unreachable('should reject'); } catch (err) { assert.is((err as Error).message, 'gone'); }
  assert.is(bucket.stats.queued, 1);
  await clock.advance(1000);
  await second;
  assert.ok(secondDone, 'the next waiter got the token the aborted one would have had');
});

test('take with an already aborted signal rejects at once', async () => {
  const bucket = new TokenBucket({ ratePerSec: 1, burst: 1, clock: new FakeClock() });
  const controller = new AbortController();
  controller.abort();
  try { await bucket.take(controller.signal); assert.unreachable(); } catch (err) { assert.is((err as Error).name, 'AbortError'); }
  assert.ok(bucket.tryTake(), 'no token was consumed');
});

test('a throttle reply halves the rate, empties the bucket and shrinks the burst', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 10, burst: 10, clock, adaptive: { recoveryFractionPerSec: 0 } });
  bucket.onThrottle();
  assert.is(bucket.stats.currentRate, 5);
  assert.is(bucket.stats.throttleReplies, 1);
  assert.not.ok(bucket.tryTake(), 'emptied');
  await clock.advance(10_000);
  let n = 0;
  while (bucket.tryTake()) n++;
  assert.is(n, 5, 'burst scaled with the rate');
});

test('throttle replies inside the cooldown count once; the rate has a floor', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 100, burst: 10, clock, adaptive: { minRateFraction: 0.2, cooldownMs: 1000, recoveryFractionPerSec: 0 } });
  for (let i = 0; i < 5; i++) bucket.onThrottle();
  assert.is(bucket.stats.currentRate, 50);
  assert.is(bucket.stats.throttleReplies, 5);
  for (let i = 0; i < 5; i++) { await clock.advance(1000); bucket.onThrottle(); }
  assert.is(bucket.stats.currentRate, 20, 'floor = 20% of 100');
});

test('the rate recovers linearly without throttles, up to the configured rate', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 60, burst: 60, clock, adaptive: { recoveryFractionPerSec: 1 / 60 } });
  bucket.onThrottle();
  assert.is(bucket.stats.currentRate, 30);
  await clock.advance(10_000);
  assert.is(Math.round(bucket.stats.currentRate), 40, '+1/s per second');
  await clock.advance(60_000);
  assert.is(bucket.stats.currentRate, 60);
});

test('a throttle reply reschedules waiters at the slower rate', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 10, burst: 1, clock, adaptive: { recoveryFractionPerSec: 0 } });
  bucket.tryTake();
  let done = false;
  const waiting = bucket.take().then(() => { done = true; });
  await clock.advance(50);
  bucket.onThrottle();
  await clock.advance(150);
  assert.not.ok(done, 'at 5/s a token takes 200 ms from the cut');
  await clock.advance(50);
  await flush();
  assert.ok(done);
  await waiting;
});

test('rejects nonsense options with a clear error', () => {
  assert.throws(() => new TokenBucket({ ratePerSec: 0, burst: 1 }), /ratePerSec must be a positive number/);
  assert.throws(() => new TokenBucket({ ratePerSec: 1, burst: Number.NaN }), /burst must be a positive number/);
  assert.throws(() => new TokenBucket({ ratePerSec: 1, burst: 1, adaptive: { decreaseFactor: 2 } }), /decreaseFactor/);
});

test('a share of the quota: rate and burst scale with it; a share of 0 hands out nothing until it grows', async () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 100, burst: 10, clock });
  bucket.setShare(0.5);
  assert.is(bucket.stats.currentRate, 50);
  let n = 0;
  while (bucket.tryTake()) n++;
  assert.is(n, 5, 'half the burst');
  await clock.advance(100);
  assert.ok(bucket.tryTake() && bucket.tryTake() && bucket.tryTake() && bucket.tryTake() && bucket.tryTake(), '5 tokens in 100 ms at 50/s');
  assert.not.ok(bucket.tryTake());
  bucket.setShare(0);
  assert.is(bucket.stats.currentRate, 0);
  let served = false;
  void bucket.take().then(() => { served = true; });
  await clock.advance(60_000);
  assert.not.ok(served, 'nothing with a share of 0');
  assert.is(clock.pendingTimers, 0, 'and no timer spinning');
  bucket.setShare(1 / 3);
  await clock.advance(40);
  assert.ok(served, 'served once a share came back');
  assert.ok(Math.abs(bucket.stats.currentRate - 100 / 3) < 1e-9);
});

test('a throttle-slowed bucket keeps its slowdown across a new share', () => {
  const clock = new FakeClock();
  const bucket = new TokenBucket({ ratePerSec: 100, burst: 10, clock, adaptive: { recoveryFractionPerSec: 0 } });
  bucket.onThrottle();
  assert.is(bucket.stats.currentRate, 50);
  bucket.setShare(0.5);
  assert.is(bucket.stats.currentRate, 25);
});

test.run();
