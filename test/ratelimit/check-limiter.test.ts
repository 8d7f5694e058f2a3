import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CheckLimiter, DEFAULT_PROVIDER_LIMITS } from '../../src/ratelimit/check-limiter.ts';
import { FakeClock, flush } from './fake-clock.ts';

/** a call of tenant org:1 unless told otherwise */
const owned = (accountRef: string, tenant = 'org:1') => ({ tenant, accountRef });
const role = (account: string, name = 'app') => `arn:aws:iam::${account}:role/${name}`;

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
  for (let i = 0; i < 30; i++) void limiter.acquire('aws', owned(`acct-${i}`)).then((p) => { granted++; p.release(); });
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
  const permits = await Promise.all([limiter.acquire('gcp', owned('p1')), limiter.acquire('gcp', owned('p2'))]);
  let third = false;
  const pending = limiter.acquire('gcp', owned('p3')).then((p) => { third = true; return p; });
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
  (await limiter.acquire('azure', owned('hot'))).release();
  let hot = false; let other = false;
  void limiter.acquire('azure', owned('hot')).then((p) => { hot = true; p.release(); });
  void limiter.acquire('azure', owned('other')).then((p) => { other = true; p.release(); });
  await flush();
  assert.not.ok(hot);
  assert.ok(other, 'the only slot was free for another account');
  await clock.advance(1000);
  assert.ok(hot);
});

test('a throttle reply slows the provider bucket and is counted', () => {
  const limiter = new CheckLimiter({ clock: new FakeClock(), headroom: 1 });
  limiter.onThrottle('aws', owned('arn'));
  const stats = limiter.stats('aws');
  assert.is(stats.throttleReplies, 1);
  assert.is(stats.currentRate, 10);
  assert.is(stats.accountBuckets, 1);
});

test('an aborted acquire gives its slot back', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { aws: limits(1, 1, 1) } });
  (await limiter.acquire('aws', owned('a'))).release();
  const controller = new AbortController();
  const waiting = limiter.acquire('aws', owned('b'), controller.signal);
  await flush();
  assert.is(limiter.stats('aws').inFlight, 1, 'holds the slot while waiting for the provider token');
  controller.abort();
  try { await waiting; assert.unreachable(); } catch (err) { assert.is((err as Error).name, 'AbortError'); }
  assert.is(limiter.stats('aws').inFlight, 0);
});

test('IAM reads spend the customer account\'s quota: one tenant\'s many reads do not delay another tenant\'s', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { iam: limits(10, 4) } });
  let a = 0; let b = 0;
  for (let i = 0; i < 40; i++) void limiter.acquire('iam', owned(role('111111111111'), 'org:A')).then((p) => { a++; p.release(); });
  void limiter.acquire('iam', owned(role('222222222222'), 'org:B')).then((p) => { b++; p.release(); });
  await flush();
  assert.is(a, 4, 'tenant A is held to its account\'s burst');
  assert.is(b, 1, 'tenant B\'s read went at once: A\'s queue is not in its way');
  await clock.advance(1000);
  assert.is(a, 14, 'then A goes on at its account\'s rate');
});

test('an IAM throttle on one customer account slows that account only', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { iam: limits(10, 4) } });
  limiter.onThrottle('iam', owned(role('111111111111'), 'org:A'));
  let a = false; let b = 0;
  void limiter.acquire('iam', owned(role('111111111111'), 'org:A')).then((p) => { a = true; p.release(); });
  for (let i = 0; i < 4; i++) void limiter.acquire('iam', owned(role('222222222222'), 'org:B')).then((p) => { b++; p.release(); });
  await flush();
  assert.not.ok(a, 'A\'s bucket was emptied by the throttle reply');
  assert.is(b, 4, 'B keeps its whole burst');
  assert.is(limiter.stats('iam').throttleReplies, 1);
});

test('the roles of one AWS account share its IAM quota; another tenant naming that account has its own', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { iam: limits(10, 2) } });
  const granted: string[] = [];
  const take = (name: string, tenant: string) => void limiter.acquire('iam', owned(role('111111111111', name), tenant)).then((p) => { granted.push(`${tenant} ${name}`); p.release(); });
  take('one', 'org:A'); take('two', 'org:A'); take('three', 'org:A'); take('one', 'org:B');
  await flush();
  assert.equal(granted, ['org:A one', 'org:A two', 'org:B one']);
});

test('per-account buckets belong to a tenant: two tenants naming the same account are charged apart', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({
    clock, headroom: 1,
    limits: { azure: { quota: { ratePerSec: 1000, burst: 1000 }, perAccount: { ratePerSec: 1, burst: 1 }, maxConcurrency: 10 } },
  });
  (await limiter.acquire('azure', owned('sub-1', 'org:A'))).release();
  let again = false; let other = false;
  void limiter.acquire('azure', owned('sub-1', 'org:A')).then((p) => { again = true; p.release(); });
  void limiter.acquire('azure', owned('sub-1', 'org:B')).then((p) => { other = true; p.release(); });
  await flush();
  assert.not.ok(again, 'A spent its bucket for sub-1');
  assert.ok(other, 'B\'s calls into sub-1 are not charged to A\'s bucket');
  assert.is(limiter.stats('azure').accountBuckets, 2);
});

test('the bound on IAM calls in flight holds across tenants', async () => {
  const clock = new FakeClock();
  const limiter = new CheckLimiter({ clock, headroom: 1, limits: { iam: limits(1000, 1000, 2) } });
  const permits = await Promise.all([limiter.acquire('iam', owned(role('111111111111'), 'org:A')), limiter.acquire('iam', owned(role('222222222222'), 'org:B'))]);
  let third = false;
  const pending = limiter.acquire('iam', owned(role('333333333333'), 'org:C')).then((p) => { third = true; return p; });
  await flush();
  assert.not.ok(third);
  assert.is(limiter.stats('iam').inFlight, 2);
  permits[0]?.release();
  (await pending).release();
  permits[1]?.release();
  assert.is(limiter.stats('iam').inFlight, 0);
});

test('rejects a bad headroom', () => {
  assert.throws(() => new CheckLimiter({ headroom: 1.5 }), /headroom/);
});

test.run();
