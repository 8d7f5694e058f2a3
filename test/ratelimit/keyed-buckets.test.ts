import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyedBuckets } from '../../src/ratelimit/keyed-buckets.ts';
import { FakeClock } from './fake-clock.ts';

test('one bucket per key, created lazily', () => {
  const buckets = new KeyedBuckets({ ratePerSec: 1, burst: 2, clock: new FakeClock() });
  assert.is(buckets.size, 0);
  const a = buckets.get('a');
  assert.is(buckets.get('a'), a);
  assert.is.not(buckets.get('b'), a);
  assert.is(buckets.size, 2);
  assert.ok(a.tryTake() && a.tryTake());
  assert.not.ok(a.tryTake(), 'key a is exhausted');
  assert.ok(buckets.get('b').tryTake(), 'key b has its own tokens');
});

test('idle buckets are evicted after idleMs; busy or refilling ones stay', async () => {
  const clock = new FakeClock();
  const buckets = new KeyedBuckets({ ratePerSec: 1, burst: 100, clock, idleMs: 1000 });
  buckets.get('idle');
  for (let i = 0; i < 100; i++) buckets.get('drained').tryTake();
  await clock.advance(1000);
  buckets.get('fresh');
  assert.is(buckets.size, 2, 'the full, unused bucket went');
  assert.is(buckets.evicted, 1);
  await clock.advance(100_000);
  buckets.get('fresh');
  assert.is(buckets.size, 1, 'the drained bucket went once full again');
});

test('validates its rate and burst up front', () => {
  assert.throws(() => new KeyedBuckets({ ratePerSec: -1, burst: 1 }), /ratePerSec/);
});

test.run();
