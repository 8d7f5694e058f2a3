import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckLimiter, DEFAULT_PROVIDER_LIMITS } from '../../src/ratelimit/check-limiter.ts';
import { FakeClock, flush } from './fake-clock.ts';

const limits = (ratePerSec: number, burst: number, maxConcurrency = 100) => ({
  quota: { ratePerSec, burst }, perAccount: { ratePerSec: 1000, burst: 1000 }, maxConcurrency,
});

test('defaults are the cloud quotas the README states', () => {
  assert.equal(DEFAULT_PROVIDER_LIMITS.aws.quota, { ratePerSec: 20, burst: 100 });
  assert.equal(DEFAULT_PROVIDER_LIMITS.azure.quota, { ratePerSec: 25, burst: 250 });
  assert.equal(DEFAULT_PROVIDER_LIMITS.gcp.quota, { ratePerSec: 10, burst: 10 });
});

test('the provider bucket paces sends at the quota minus headroom', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 0.5, limits: { aws: limits(20, 10) } });
  let granted = 0;
  for (let i = 0; i < 30; i++) void limiter.acquire('aws', `acct-${i}`).then((p) => { granted++; p.release(); });
  await flush();
  assert.is(granted, 5, 'burst 10 × 0.5');
  await clock.advance(1000);
  assert.is(granted, 15, 'then 10/s');
  assert.is(limiter.stats('aws').waits, 25, 'every acquisition past the burst waited');
  assert.is(limiter.stats('gcp').waits, 0, 'providers are independent');
});

test('concurrency is bounded per provider and a slot is held until release', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, limits: { gcp: limits(1000, 1000, 2) } });
  const permits = await Promise.all([limiter.acquire('gcp', 'p1'), limiter.acquire('gcp', 'p2')]);
  let third = false;
  const pending = limiter.acquire('gcp', 'p3').then((p) => { third = true; return p; });
  await flush();
  assert.not.ok(third);
  assert.is(limiter.stats('gcp').inFlight, 2);
  permits[0]?.release();
  (await pending).release();
  assert.ok(third);
});

test('one hot account waits on its own bucket without blocking others', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({
    clock, headroom: 1,
    limits: { azure: { quota: { ratePerSec: 1000, burst: 1000 }, perAccount: { ratePerSec: 1, burst: 1 }, maxConcurrency: 1 } },
  });
  (await limiter.acquire('azure', 'hot')).release();
  let hot = false; let other = false;
  void limiter.acquire('azure', 'hot').then((p) => { hot = true; p.release(); });
  void limiter.acquire('azure', 'other').then((p) => { other = true; p.release(); });
  await flush();
  assert.not.ok(hot);
  assert.ok(other, 'the only slot was free for another account');
  await clock.advance(1000);
  assert.ok(hot);
});

test('a throttle reply slows the provider bucket and is counted', () => {
  const limiter = new CheckLimiter({ clock: new FakeClock(), headroom: 1 });
  limiter.onThrottle('aws', 'arn');
  const stats = limiter.stats('aws');
  assert.is(stats.throttleReplies, 1);
  assert.is(stats.currentRate, 10);
  assert.is(stats.accountBuckets, 1);
});

test('an aborted acquire gives its slot back', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { aws: limits(1, 1, 1) } });
  (await limiter.acquire('aws', 'a')).release();
  const controller = new AbortController();
  const waiting = limiter.acquire('aws', 'b', controller.signal);
  await flush();
  assert.is(limiter.stats('aws').inFlight, 1, 'holds the slot while waiting for the provider token');
  controller.abort();
  try { await waiting; assert.unreachable(); } catch (err) { assert.is((err as Error).name, 'AbortError'); }
  assert.is(limiter.stats('aws').inFlight, 0);
});

test('rejects a bad headroom', () => {
  assert.throws(() => new CheckLimiter({ headroom: 1.5 }), /headroom/);
});

test.run();
