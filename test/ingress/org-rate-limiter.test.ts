import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { OrgRateLimiter } from '../../src/ingress/org-rate-limiter.ts';

function clock() {
  const c = { ms: 0, now: () => c.ms };
  return c;
}

test('burst, then refill at the rate; Retry-After rounds up to whole seconds', () => {
  const c = clock();
  const limiter = new OrgRateLimiter({ ratePerSec: 2, burst: 3, now: c.now });
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a'), { allowed: true });
  assert.equal(limiter.take('a'), { allowed: false, retryAfterSeconds: 1 });
  c.ms += 499;
  assert.is(limiter.take('a').allowed, false);
  c.ms += 1;
  assert.is(limiter.take('a').allowed, true);
  assert.is(limiter.take('a').allowed, false);
});

test('a slow rate gives a long Retry-After', () => {
  const c = clock();
  const limiter = new OrgRateLimiter({ ratePerSec: 0.1, burst: 1, now: c.now });
  assert.is(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a'), { allowed: false, retryAfterSeconds: 10 });
});

test('keys are independent', () => {
  const c = clock();
  const limiter = new OrgRateLimiter({ ratePerSec: 1, burst: 1, now: c.now });
  assert.is(limiter.take('a').allowed, true);
  assert.is(limiter.take('a').allowed, false);
  assert.is(limiter.take('b').allowed, true);
});

test('idle buckets (full again) are evicted; busy ones stay', () => {
  const c = clock();
  const limiter = new OrgRateLimiter({ ratePerSec: 10, burst: 10, now: c.now }); // full after 1 s idle
  for (let i = 0; i < 100; i++) limiter.take(`org-${i}`);
  assert.is(limiter.size, 100);
  c.ms += 999;
  limiter.take('org-5');
  assert.is(limiter.size, 100);
  c.ms += 1;
  limiter.take('new');
  assert.is(limiter.size, 2); // org-5 (used 1 ms ago) and new
});

test('maxBuckets caps memory by dropping the least recently used bucket', () => {
  const c = clock();
  const limiter = new OrgRateLimiter({ ratePerSec: 1, burst: 1, now: c.now, maxBuckets: 2 });
  limiter.take('a');
  limiter.take('b');
  limiter.take('a'); // a is now the most recent
  limiter.take('c'); // evicts b
  assert.is(limiter.size, 2);
  assert.is(limiter.take('a').allowed, false); // a kept its empty bucket
  assert.is(limiter.take('b').allowed, true); // b starts afresh (evicts c)
});

test('invalid settings are refused', () => {
  assert.throws(() => new OrgRateLimiter({ ratePerSec: 0, burst: 1 }), /ratePerSec/);
  assert.throws(() => new OrgRateLimiter({ ratePerSec: 1, burst: 0 }), /burst/);
  assert.throws(() => new OrgRateLimiter({ ratePerSec: Number.NaN, burst: 1 }), /ratePerSec/);
});

test('property: never more than burst + rate × elapsed accepted, and idle eviction changes no answer', () => {
  fc.assert(fc.property(
    fc.double({ min: 0.1, max: 50, noNaN: true }),
    fc.integer({ min: 1, max: 20 }),
    fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 200 }),
    (rate, burst, steps) => {
      const c = clock();
      const limiter = new OrgRateLimiter({ ratePerSec: rate, burst, now: c.now });
      // Reference model: the same bucket arithmetic, never evicted.
      const model = new Map<number, { tokens: number; at: number }>();
      const accepted = new Map<number, number>();
      for (const [key, advance] of steps) {
        c.ms += advance;
        const prev = model.get(key);
        const tokens = prev ? Math.min(burst, prev.tokens + ((c.ms - prev.at) * rate) / 1000) : burst;
        const ok = tokens >= 1;
        model.set(key, { tokens: ok ? tokens - 1 : tokens, at: c.ms });
        assert.is(limiter.take(String(key)).allowed, ok);
        if (ok) accepted.set(key, (accepted.get(key) ?? 0) + 1);
      }
      for (const count of accepted.values()) assert.ok(count <= burst + (c.ms * rate) / 1000 + 1e-9);
    },
  ), { numRuns: 200 });
});

test.run();
