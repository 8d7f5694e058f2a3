// The point of the limiter, end to end: the STS emulator enforces AWS's 20/s, burst 100 bucket on
// our identity (with 100 ms latency, as in the benchmark), and 300 checks of distinct roles go
// through CheckLimiter + runCheck + the real SDK. What must hold on any machine: every check gets
// its definitive answer, a throttle reply is never one, and the quota is never outrun. How many
// throttle replies come back (none on a quiet machine) depends on scheduling, so the benchmark
// (`make bench`, check path) counts them, not this test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createAwsChecker } from '../../src/checks/aws.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { CheckLimiter } from '../../src/ratelimit/check-limiter.ts';
import { startStsEmulator } from '../emulators/sts.ts';

const QUOTA = { ratePerSec: 20, burst: 100 };
const roles = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:iam::${String(100000000000 + i)}:role/provisioning`);

test('300 checks through the limiter: every one answered, none faster than the quota', async () => {
  const sts = await startStsEmulator({ bucket: QUOTA, latencyMs: 100 });
  try {
    const aws = createAwsChecker({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId: sts.accessKeyId, secretAccessKey: 's' } });
    const limiter = new CheckLimiter({ limits: { aws: { quota: QUOTA } } });
    const started = performance.now();
    const outcomes = await Promise.all(roles(300).map((arn) => runCheck(aws, arn, { gate: limiter, tenant: 'org:1', policy: { totalBudgetMs: 60_000 } })));
    const seconds = (performance.now() - started) / 1000;

    assert.is(outcomes.filter((o) => o.kind === 'available').length, 300, 'every check answered, none turned unavailable by a throttle');
    assert.is(limiter.stats('aws').throttleReplies, sts.calls.byVerdict.throttled, 'every throttle reply reached the limiter');
    assert.is(sts.calls.total, 300 + sts.calls.byVerdict.throttled, 'one successful call per check; only throttled calls were repeated');
    // The quota allows 100 at once and 20/s after: 200 more need at least 10 s (a busy machine only
    // makes it slower). A stalled limiter would show as checks without an answer above.
    assert.ok(seconds >= 10, `faster than the quota allows: ${seconds.toFixed(1)} s`);
  } finally {
    await sts.stop();
  }
});

test('control: the same flood without the limiter is throttled (so the test above can fail)', async () => {
  const sts = await startStsEmulator({ bucket: QUOTA });
  try {
    const aws = createAwsChecker({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId: sts.accessKeyId, secretAccessKey: 's' } });
    // 300 at once against burst 100 + 20/s: about 200 are refused when sent within a second; the
    // bound leaves room for a loaded machine that needs several seconds to send them all.
    const outcomes = await Promise.all(roles(300).map((arn) => runCheck(aws, arn, { policy: { maxAttempts: 1 } })));
    const throttled = outcomes.filter((o) => o.kind === 'transient' && o.throttled).length;
    assert.ok(throttled >= 50, `expected well over 50 throttle replies, got ${throttled}`);
    assert.is(sts.calls.byVerdict.throttled, throttled);
  } finally {
    await sts.stop();
  }
});

test('a limiter configured above the real quota adapts: throttles slow it down and never become unavailable', async () => {
  const sts = await startStsEmulator({ bucket: { ratePerSec: 10, burst: 10 } });
  try {
    const aws = createAwsChecker({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId: sts.accessKeyId, secretAccessKey: 's' } });
    // We believe the quota is 40/s, burst 40; the cloud allows a quarter of that.
    const limiter = new CheckLimiter({ limits: { aws: { quota: { ratePerSec: 40, burst: 40 } } }, adaptive: { recoveryFractionPerSec: 0.01 } });
    const outcomes = await Promise.all(roles(60).map((arn) => runCheck(aws, arn, { gate: limiter, tenant: 'org:1', policy: { maxAttempts: 8, totalBudgetMs: 30_000, baseDelayMs: 200 } })));

    assert.is(outcomes.filter((o) => o.kind === 'unavailable').length, 0, 'a throttle never becomes unavailable');
    assert.is(outcomes.filter((o) => o.kind === 'available').length, 60, 'retries got every check through');
    const stats = limiter.stats('aws');
    assert.ok(stats.throttleReplies > 0, 'the cloud did push back');
    assert.is(stats.throttleReplies, sts.calls.byVerdict.throttled, 'every throttle reply reached the limiter');
    assert.ok(stats.currentRate < 40 * 0.95, `the rate came down: ${stats.currentRate.toFixed(1)}/s`);
  } finally {
    await sts.stop();
  }
});

test.run();
