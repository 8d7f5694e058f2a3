// runCheck with a scripted checker and a fake clock: retries, backoff, budget, limiter feedback.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCheck, type AttemptReport } from '../../src/checks/run-check.ts';
import type { CheckOutcome, Checker } from '../../src/checks/types.ts';
import type { CheckGate } from '../../src/ratelimit/check-limiter.ts';
import { FakeClock } from '../ratelimit/fake-clock.ts';

const AVAILABLE: CheckOutcome = { kind: 'available' };
const DENIED: CheckOutcome = { kind: 'unavailable', code: 'access_denied', error: 'no' };
const FLAKY: CheckOutcome = { kind: 'transient', reason: 'aws InternalFailure (HTTP 500)', throttled: false };
const THROTTLED: CheckOutcome = { kind: 'transient', reason: 'throttled', throttled: true };

/** A checker answering from a script; each call records the time it started. */
function scripted(clock: FakeClock, script: (CheckOutcome | 'hang')[]) {
  const startedAt: number[] = [];
  const checker: Checker = {
    provider: 'aws',
    check(_ref, signal) {
      startedAt.push(clock.now());
      const next = script.shift() ?? AVAILABLE;
      if (next !== 'hang') return Promise.resolve(next);
      return new Promise((resolve) => signal.addEventListener('abort', () => resolve({ kind: 'transient', reason: 'timeout', throttled: false })));
    },
  };
  return { checker, startedAt };
}

/** Run to completion while the fake clock advances in 10 ms steps. */
async function drive<T>(clock: FakeClock, promise: Promise<T>, maxMs = 120_000): Promise<T> {
  let done = false;
  void promise.finally(() => { done = true; });
  for (let t = 0; !done && t < maxMs; t += 10) await clock.advance(10);
  return promise;
}

test('a definitive outcome returns at once, without retry', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, [DENIED]);
  assert.equal(await drive(clock, runCheck(checker, 'arn', { clock })), DENIED);
  assert.is(startedAt.length, 1);
});

test('transient outcomes are retried with exponential backoff and full jitter', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, [FLAKY, FLAKY, FLAKY, AVAILABLE]);
  const reports: AttemptReport[] = [];
  const outcome = await drive(clock, runCheck(checker, 'arn', {
    clock, random: () => 0.999, policy: { baseDelayMs: 100, maxDelayMs: 250, maxAttempts: 5 }, onAttempt: (r) => reports.push(r),
  }));
  assert.equal(outcome, AVAILABLE);
  const gaps = startedAt.slice(1).map((t, i) => Math.round(t - (startedAt[i] ?? 0)));
  // ceilings 100, 200, then capped at 250; random 0.999 → just under each
  assert.equal(gaps, [100, 200, 250]);
  assert.equal(reports.map((r) => r.attempt), [1, 2, 3, 4]);
});

test('exhausted attempts return the last transient outcome (the caller then sends nothing)', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, [FLAKY, FLAKY, FLAKY]);
  const outcome = await drive(clock, runCheck(checker, 'arn', { clock, random: () => 0, policy: { maxAttempts: 3 } }));
  assert.equal(outcome, FLAKY);
  assert.is(startedAt.length, 3);
});

test('each attempt has its own timeout; a hung call becomes a transient timeout and is retried', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, ['hang', AVAILABLE]);
  const outcome = await drive(clock, runCheck(checker, 'arn', { clock, random: () => 0, policy: { attemptTimeoutMs: 1000 } }));
  assert.equal(outcome, AVAILABLE);
  assert.equal(startedAt, [0, 1000]);
});

test('no attempt starts that could not finish inside the total budget', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, ['hang', 'hang', 'hang', 'hang']);
  const outcome = await drive(clock, runCheck(checker, 'arn', { clock, random: () => 0, policy: { attemptTimeoutMs: 1000, totalBudgetMs: 2500, maxAttempts: 10 } }));
  assert.is(outcome.kind, 'transient');
  assert.equal(startedAt, [0, 1000], 'a third attempt at 2000 could run until 3000 > 2500');
});

test('Retry-After is a floor for the backoff', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, [{ ...THROTTLED, retryAfterMs: 3000 }, AVAILABLE]);
  await drive(clock, runCheck(checker, 'arn', { clock, random: () => 0 }));
  assert.equal(startedAt, [0, 3000]);
});

test('a throttle reply is reported to the gate; every permit is released', async () => {
  const clock = new FakeClock();
  const { checker } = scripted(clock, [THROTTLED, FLAKY, AVAILABLE]);
  const events: string[] = [];
  const gate: CheckGate = {
    acquire: async (provider, key) => { events.push(`acquire ${provider} ${key.tenant} ${key.accountRef}`); return { release: () => events.push('release') }; },
    onThrottle: (provider, key) => { events.push(`throttle ${provider} ${key.tenant} ${key.accountRef}`); },
  };
  await drive(clock, runCheck(checker, 'arn', { clock, gate, tenant: 'org:1', random: () => 0 }));
  assert.equal(events, ['acquire aws org:1 arn', 'release', 'throttle aws org:1 arn', 'acquire aws org:1 arn', 'release', 'acquire aws org:1 arn', 'release']);
});

test('a gate that cannot admit the check within the budget gives a transient outcome', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, []);
  const gate: CheckGate = {
    acquire: (_p, _r, signal) => new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
    onThrottle: () => {},
  };
  const outcome = await drive(clock, runCheck(checker, 'arn', { clock, gate, tenant: 'org:1', policy: { totalBudgetMs: 3000, attemptTimeoutMs: 1000 } }));
  assert.equal(outcome, { kind: 'transient', reason: 'rate limited: no slot within the check budget', throttled: false });
  assert.is(startedAt.length, 0);
});

test('a rate-limited check without the tenant it is charged to is refused', async () => {
  const gate: CheckGate = { acquire: async () => ({ release: () => {} }), onThrottle: () => {} };
  try {
    await runCheck(scripted(new FakeClock(), [AVAILABLE]).checker, 'arn', { gate });
    assert.unreachable();
  } catch (err) {
    assert.match((err as Error).message, /tenant/);
  }
});

test('the caller\'s signal cancels the backoff', async () => {
  const clock = new FakeClock();
  const { checker, startedAt } = scripted(clock, [FLAKY, AVAILABLE]);
  const controller = new AbortController();
  const running = runCheck(checker, 'arn', { clock, signal: controller.signal, random: () => 0.9, policy: { baseDelayMs: 1000 } });
  await clock.advance(100);
  controller.abort();
  assert.equal(await running, { kind: 'transient', reason: 'cancelled', throttled: false });
  assert.is(startedAt.length, 1);
});

test('rejects a bad policy', async () => {
  const { checker } = scripted(new FakeClock(), []);
  for (const policy of [{ maxAttempts: 0 }, { attemptTimeoutMs: 0 }, { baseDelayMs: -1 }, { totalBudgetMs: Number.NaN }]) {
    try { await runCheck(checker, 'arn', { policy }); assert.unreachable(JSON.stringify(policy)); } catch (err) { assert.instance(err, RangeError); }
  }
});

test.run();
