// The rate limiter in front of every cloud check: per API, a token bucket for the quota the calls
// spend and a semaphore bounding in-flight calls; per customer account, a bucket of its own so one
// account cannot take the whole budget. Every key of a keyed bucket starts with the tenant whose
// request the call serves: a call is never charged to a bucket another tenant's calls fill.
//
// Whose quota a call spends depends on the identity that makes it. STS, ARM and Resource Manager
// are called with our identity: one bucket per API, shared by every tenant, because the cloud
// counts them against us. The permission check's IAM reads are made with the customer's role
// (the AssumeRole credentials), so IAM counts them against the customer's AWS account: that
// quota is a bucket per (tenant, AWS account), and one tenant's reads never wait for another's.
//
// Order of acquisition matters. The account bucket is taken first, without holding a concurrency
// slot, so a hot account queues on its own bucket and does not block the slots; a customer's
// quota bucket likewise, for the same reason. Our own quota's bucket is taken last, immediately
// before the call, while holding a slot: the moments we send then follow that bucket exactly, and
// the cloud's bucket sees a conforming stream.
import { awsAccountOf, type Provider } from '../domain/types.ts';
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

/**
 * The APIs whose quota is the customer's, not ours, with the customer account a call spends it
 * in: IAM's quota is per AWS account, shared by the roles of that account.
 */
const CUSTOMER_QUOTA: Partial<Record<RateLimitedApi, (accountRef: string) => string>> = { iam: awsAccountOf };

/** Who a call is charged to: the tenant whose request it serves, and the account it reads. */
export interface RateLimitKey {
  /** the request's tenant (the contract's tenantKey) */
  tenant: string;
  /** the role ARN, subscription id or project id */
  accountRef: string;
}

/** One bucket key per (tenant, account): no two tenants ever share one. */
function tenantKeyed(tenant: string, account: string): string {
  if (!tenant) throw new RangeError('a rate-limit key needs the tenant it belongs to');
  return `${tenant}\u0000${account}`;
}

export interface RateLimit {
  ratePerSec: number;
  burst: number;
}

export interface ProviderLimits {
  /** the API's quota at the cloud (README: Checks and rate limits): ours, or for IAM one customer account's */
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
  /**
   * our quota bucket's current rate (tokens/s), lower than configured after throttles; for an API
   * on the customer's quota (IAM), the configured rate of one customer account's bucket
   */
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
  acquire(api: RateLimitedApi, key: RateLimitKey, signal?: AbortSignal): Promise<Permit>;
  onThrottle(api: RateLimitedApi, key: RateLimitKey): void;
}

interface ProviderState {
  /** our quota: one bucket for every tenant */
  quota: TokenBucket | undefined;
  /** the customer's quota: a bucket per (tenant, customer account) */
  customerQuota: { of: (accountRef: string) => string; buckets: KeyedBuckets } | undefined;
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
      const customerAccountOf = CUSTOMER_QUOTA[provider];
      return {
        quota: customerAccountOf ? undefined : new TokenBucket({ ...quota, clock, adaptive: options.adaptive }),
        customerQuota: customerAccountOf
          ? { of: customerAccountOf, buckets: new KeyedBuckets({ ...quota, clock, adaptive: options.adaptive, idleMs: options.accountIdleMs }) }
          : undefined,
        accounts: new KeyedBuckets({ ...scaled(limits.perAccount, headroom), clock, adaptive: options.adaptive, idleMs: options.accountIdleMs }),
        slots: new Semaphore(limits.maxConcurrency),
        waits: 0,
        throttleReplies: 0,
      };
    };
    this.providers = { aws: make('aws'), azure: make('azure'), gcp: make('gcp'), iam: make('iam') };
  }

  /**
   * Wait until a call of `key.tenant` into `key.accountRef` may be sent (FIFO, cancellable by `signal`).
   * @example const permit = await limiter.acquire('aws', { tenant, accountRef: arn }, signal); try { await call(); } finally { permit.release(); }
   */
  async acquire(provider: RateLimitedApi, key: RateLimitKey, signal?: AbortSignal): Promise<Permit> {
    const state = this.providers[provider];
    const account = state.accounts.get(tenantKeyed(key.tenant, key.accountRef));
    // Counted when the wait starts, so the metric shows queueing while it happens.
    let waited = false;
    const noteWait = () => { if (!waited) { waited = true; state.waits++; } };
    if (!account.tryTake()) { noteWait(); await account.take(signal); }
    const customerQuota = this.customerQuotaOf(state, key);
    if (customerQuota && !customerQuota.tryTake()) { noteWait(); await customerQuota.take(signal); }
    if (state.slots.inUse >= state.slots.limit || state.slots.queued > 0) noteWait();
    const release = await state.slots.acquire(signal);
    try {
      if (state.quota && !state.quota.tryTake()) { noteWait(); await state.quota.take(signal); }
    } catch (err) {
      release();
      throw err;
    }
    return { release };
  }

  /**
   * This process's share (0..1) of each of our quotas: with several workers, each uses the quota
   * times the fraction of the work it owns, so together they spend the whole quota and no more.
   * Customer quotas, per-account buckets and the concurrency bound are not split (a customer's
   * account is read by the workers that own that tenant's sources, each within its bucket).
   */
  setQuotaShare(share: number): void {
    for (const state of Object.values(this.providers)) state.quota?.setShare(share);
  }

  /** A call got a throttle reply: slow the quota bucket it spent (ours, or the customer's) and the account's bucket. */
  onThrottle(provider: RateLimitedApi, key: RateLimitKey): void {
    const state = this.providers[provider];
    state.throttleReplies++;
    state.quota?.onThrottle();
    this.customerQuotaOf(state, key)?.onThrottle();
    state.accounts.get(tenantKeyed(key.tenant, key.accountRef)).onThrottle();
  }

  stats(provider: RateLimitedApi): ProviderLimiterStats {
    const state = this.providers[provider];
    const quota = state.quota?.stats;
    return {
      waits: state.waits,
      throttleReplies: state.throttleReplies,
      currentRate: quota ? quota.currentRate : state.customerQuota!.buckets.ratePerSec,
      inFlight: state.slots.inUse,
      queued: state.slots.queued + (quota?.queued ?? 0),
      accountBuckets: state.accounts.size,
    };
  }

  private customerQuotaOf(state: ProviderState, key: RateLimitKey): TokenBucket | undefined {
    return state.customerQuota?.buckets.get(tenantKeyed(key.tenant, state.customerQuota.of(key.accountRef)));
  }
}
