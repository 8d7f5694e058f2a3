// One check, done properly: through the rate limiter, with a timeout per attempt, and retried
// with exponential backoff and full jitter while the outcome is transient, within a bounded
// number of attempts and a total time budget. The result is still transient when the budget is
// spent: the caller then sends no status and leaves the request for a later retry.
import { abortReason, systemClock, type Clock } from '../ratelimit/clock.ts';
import type { CheckGate } from '../ratelimit/check-limiter.ts';
import type { CheckOutcome, Checker, TransientOutcome } from './types.ts';

export interface RetryPolicy {
  /** deadline of one cloud call, from the moment the limiter lets it go; default 5000 */
  attemptTimeoutMs: number;
  /** attempts including the first; default 4 */
  maxAttempts: number;
  /** backoff before the 2nd attempt is drawn from [0, base]; it doubles each time; default 250 */
  baseDelayMs: number;
  /** cap of one backoff; default 5000 */
  maxDelayMs: number;
  /** no attempt starts that could not finish inside this budget, waits included; default 20 000 */
  totalBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  attemptTimeoutMs: 5000, maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 5000, totalBudgetMs: 20_000,
});

export interface AttemptReport {
  attempt: number;
  outcome: CheckOutcome;
  /** time of the cloud call alone (not the wait for the limiter) */
  durationMs: number;
}

export interface RunCheckOptions {
  policy?: Partial<RetryPolicy>;
  /** the rate limiter; without one, attempts go out unpaced */
  gate?: CheckGate;
  /** the tenant whose request the check serves: the limiter charges its buckets (required with `gate`) */
  tenant?: string;
  /** cancels waits and the call in flight (e.g. on shutdown) */
  signal?: AbortSignal;
  clock?: Clock;
  /** [0, 1) source for the jitter; default Math.random */
  random?: () => number;
  /** called after every attempt, for metrics and logs */
  onAttempt?: (report: AttemptReport) => void;
}

function validPolicy(policy: RetryPolicy): RetryPolicy {
  for (const [key, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`retry policy: ${key} must be a non-negative number, got ${value}`);
  }
  if (policy.maxAttempts < 1 || !Number.isInteger(policy.maxAttempts)) throw new RangeError(`retry policy: maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  if (policy.attemptTimeoutMs <= 0) throw new RangeError('retry policy: attemptTimeoutMs must be positive');
  return policy;
}

/** An AbortSignal that fires after `ms` on `clock`, or when `parent` fires; dispose() clears the timer. */
function deadline(clock: Clock, ms: number, parent: AbortSignal | undefined, reason: string) {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent ? abortReason(parent) : undefined);
  if (parent?.aborted) onParent();
  parent?.addEventListener('abort', onParent, { once: true });
  const timer = clock.setTimer(() => controller.abort(new DOMException(reason, 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    dispose: () => { clock.clearTimer(timer); parent?.removeEventListener('abort', onParent); },
  };
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = () => { clock.clearTimer(timer); reject(signal ? abortReason(signal) : undefined); };
    const timer = clock.setTimer(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const cancelled = (): TransientOutcome => ({ kind: 'transient', reason: 'cancelled', throttled: false });

/**
 * Check `accountRef` with `checker` until the outcome is definitive or the policy gives up.
 * Never throws for a cloud failure; rejects only on a bad policy or a gate without a tenant.
 *
 * @example
 *   const outcome = await runCheck(awsChecker, arn, { gate: limiter, tenant: 'org:1', policy: { maxAttempts: 3 } });
 *   if (outcome.kind !== 'transient') sendStatus(outcome);
 */
export async function runCheck(checker: Checker, accountRef: string, options: RunCheckOptions = {}): Promise<CheckOutcome> {
  const policy = validPolicy({ ...DEFAULT_RETRY_POLICY, ...options.policy });
  if (options.gate && !options.tenant) throw new RangeError('runCheck: a rate-limited check needs the tenant it is charged to');
  const key = { tenant: options.tenant ?? '', accountRef };
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { gate, signal } = options;
  const started = clock.now();
  const remaining = () => policy.totalBudgetMs - (clock.now() - started);
  let last: CheckOutcome = { kind: 'transient', reason: 'no attempt made', throttled: false };

  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    if (signal?.aborted) return cancelled();
    // The wait for the limiter counts against the budget, keeping room for the call itself.
    const waitLimit = remaining() - policy.attemptTimeoutMs;
    if (waitLimit < 0 && attempt > 1) break;
    let permit;
    const waitDeadline = deadline(clock, Math.max(0, waitLimit), signal, 'rate limiter wait exceeded the check budget');
    try {
      permit = gate ? await gate.acquire(checker.api ?? checker.provider, key, waitDeadline.signal) : undefined;
    } catch {
      if (signal?.aborted) return cancelled();
      return { kind: 'transient', reason: 'rate limited: no slot within the check budget', throttled: false };
    } finally {
      waitDeadline.dispose();
    }

    const callDeadline = deadline(clock, policy.attemptTimeoutMs, signal, `check attempt exceeded ${policy.attemptTimeoutMs} ms`);
    const callStarted = clock.now();
    try {
      last = await checker.check(accountRef, callDeadline.signal);
    } finally {
      callDeadline.dispose();
      permit?.release();
    }
    options.onAttempt?.({ attempt, outcome: last, durationMs: clock.now() - callStarted });
    if (signal?.aborted) return cancelled();
    if (last.kind !== 'transient') return last;
    if (last.throttled) gate?.onThrottle(checker.api ?? checker.provider, key);
    if (attempt === policy.maxAttempts) break;

    // Full jitter (AWS architecture blog "Exponential Backoff And Jitter"); a Retry-After hint is a floor.
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    const delay = Math.max(random() * ceiling, last.retryAfterMs ?? 0);
    if (delay + policy.attemptTimeoutMs > remaining()) break;
    try {
      await sleep(clock, delay, signal);
    } catch {
      return cancelled();
    }
  }
  return last;
}
