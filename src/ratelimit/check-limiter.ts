// The rate limiter in front of every cloud check: per provider, a token bucket for our own
// identity's quota and a semaphore bounding in-flight calls; per customer account, a bucket of
// its own so one account cannot take the whole provider budget.
//
// Order of acquisition matters. The account bucket is taken first, without holding a concurrency
// slot, so a hot account queues on its own bucket and does not block the slots. The provider
// bucket is taken last, immediately before the call, while holding a slot: the moments we send
// then follow the provider bucket exactly, and the cloud's bucket sees a conforming stream.
import type { Provider } from '../domain/types.ts';
import { systemClock, type Clock } from './clock.ts';
import { KeyedBuckets } from './keyed-buckets.ts';
import { Semaphore } from './semaphore.ts';
import { TokenBucket, type AdaptiveOptions } from './token-bucket.ts';

/**
 * A bucket of the limiter: one per provider, plus AWS IAM, whose quota is separate from STS's and
 * smaller (the permission check reads the customer's role policies through it).
 */
export type RateLimitedApi = Provider | 'iam';
export const RATE_LIMITED_APIS: readonly RateLimitedApi[] = ['aws', 'azure', 'gcp', 'iam'];

export interface RateLimit {
  ratePerSec: number;
  burst: number;
}

export interface ProviderLimits {
  /** our identity's quota at the cloud (README: Checks and rate limits) */
  quota: RateLimit;
  /** per customer account */
  perAccount: RateLimit;
  /** checks in flight at once */
  maxConcurrency: number;
}

/**
 * Defaults (README: Checks and rate limits): AWS 20/s burst 100; Azure ARM 25/s burst 250; GCP Resource Manager
 * reads ~10/s. The per-account buckets are deliberately small: one account is checked a few
 * times an hour, so a burst of checks on it is a bug or a flood, not a workload.
 */
export const DEFAULT_PROVIDER_LIMITS: Readonly<Record<RateLimitedApi, ProviderLimits>> = Object.freeze({
  aws: { quota: { ratePerSec: 20, burst: 100 }, perAccount: { ratePerSec: 5, burst: 10 }, maxConcurrency: 16 },
  iam: { quota: { ratePerSec: 10, burst: 20 }, perAccount: { ratePerSec: 5, burst: 10 }, maxConcurrency: 16 },
  azure: { quota: { ratePerSec: 25, burst: 250 }, perAccount: { ratePerSec: 5, burst: 10 }, maxConcurrency: 16 },
  gcp: { quota: { ratePerSec: 10, burst: 10 }, perAccount: { ratePerSec: 5, burst: 10 }, maxConcurrency: 16 },
});

export interface CheckLimiterOptions {
  /** per-provider overrides, merged over DEFAULT_PROVIDER_LIMITS */
  limits?: Partial<Record<RateLimitedApi, Partial<ProviderLimits>>>;
  /**
   * The fraction of the quota we aim at (rate and burst), default 0.98. Running exactly at the
   * quota turns scheduling jitter between our send and the server's receipt into throttle replies;
   * 0.98 keeps the check-path benchmark above 95% of the quota (README: Benchmarks targets) with none.
   */
  headroom?: number;
  adaptive?: AdaptiveOptions;
  /** idle time before a per-account bucket is dropped; default 60 000 ms */
  accountIdleMs?: number;
  clock?: Clock;
}

export interface ProviderLimiterStats {
  /** acquisitions that had to wait for a token or a slot */
  waits: number;
  /** throttle replies reported by checks */
  throttleReplies: number;
  /** the provider bucket's current rate (tokens/s), lower than configured after throttles */
  currentRate: number;
  inFlight: number;
  queued: number;
  accountBuckets: number;
}

/** What a check holds while it talks to the cloud; release() exactly once when the call ends. */
export interface Permit {
  release(): void;
}

/** The interface runCheck needs; CheckLimiter implements it. */
export interface CheckGate {
  acquire(api: RateLimitedApi, accountRef: string, signal?: AbortSignal): Promise<Permit>;
  onThrottle(api: RateLimitedApi, accountRef: string): void;
}

interface ProviderState {
  quota: TokenBucket;
  accounts: KeyedBuckets;
  slots: Semaphore;
  waits: number;
  throttleReplies: number;
}

function scaled(limit: RateLimit, headroom: number): RateLimit {
  return { ratePerSec: limit.ratePerSec * headroom, burst: Math.max(1, Math.floor(limit.burst * headroom)) };
}

export class CheckLimiter implements CheckGate {
  private readonly providers: Record<RateLimitedApi, ProviderState>;

  constructor(options: CheckLimiterOptions = {}) {
    const headroom = options.headroom ?? 0.98;
    if (!(headroom > 0 && headroom <= 1)) throw new RangeError(`headroom must be in (0, 1], got ${headroom}`);
    const clock = options.clock ?? systemClock;
    const make = (provider: RateLimitedApi): ProviderState => {
      const limits = { ...DEFAULT_PROVIDER_LIMITS[provider], ...options.limits?.[provider] };
      const quota = scaled(limits.quota, headroom);
      return {
        quota: new TokenBucket({ ...quota, clock, adaptive: options.adaptive }),
        accounts: new KeyedBuckets({ ...scaled(limits.perAccount, headroom), clock, adaptive: options.adaptive, idleMs: options.accountIdleMs }),
        slots: new Semaphore(limits.maxConcurrency),
        waits: 0,
        throttleReplies: 0,
      };
    };
    this.providers = { aws: make('aws'), azure: make('azure'), gcp: make('gcp'), iam: make('iam') };
  }

  /**
   * Wait until a check of `accountRef` may be sent (FIFO, cancellable by `signal`).
   * @example const permit = await limiter.acquire('aws', arn, signal); try { await call(); } finally { permit.release(); }
   */
  async acquire(provider: RateLimitedApi, accountRef: string, signal?: AbortSignal): Promise<Permit> {
    const state = this.providers[provider];
    const account = state.accounts.get(accountRef);
    // Counted when the wait starts, so the metric shows queueing while it happens.
    let waited = false;
    const noteWait = () => { if (!waited) { waited = true; state.waits++; } };
    if (!account.tryTake()) { noteWait(); await account.take(signal); }
    if (state.slots.inUse >= state.slots.limit || state.slots.queued > 0) noteWait();
    const release = await state.slots.acquire(signal);
    try {
      if (!state.quota.tryTake()) { noteWait(); await state.quota.take(signal); }
    } catch (err) {
      release();
      throw err;
    }
    return { release };
  }

  /**
   * This process's share (0..1) of every provider quota: with several workers, each uses the
   * quota times the fraction of the work it owns, so together they spend the whole quota and no
   * more. Per-account buckets and the concurrency bound are not split.
   */
  setQuotaShare(share: number): void {
    for (const state of Object.values(this.providers)) state.quota.setShare(share);
  }

  /** A check got a throttle reply: slow the provider bucket and the account's bucket. */
  onThrottle(provider: RateLimitedApi, accountRef: string): void {
    const state = this.providers[provider];
    state.throttleReplies++;
    state.quota.onThrottle();
    state.accounts.get(accountRef).onThrottle();
  }

  stats(provider: RateLimitedApi): ProviderLimiterStats {
    const state = this.providers[provider];
    const quota = state.quota.stats;
    return {
      waits: state.waits,
      throttleReplies: state.throttleReplies,
      currentRate: quota.currentRate,
      inFlight: state.slots.inUse,
      queued: state.slots.queued + quota.queued,
      accountBuckets: state.accounts.size,
    };
  }
}
