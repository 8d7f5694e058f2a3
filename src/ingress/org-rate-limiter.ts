// Per-tenant token buckets for the ingress, keyed by the contract's tenantKey (the org id of the
// request's x-rh-identity, else its account number; never an org named in a header, so no caller
// can spend another tenant's budget). A bucket idle long enough to be full again is the same
// as no bucket, so it is dropped; buckets live in a Map kept in least-recently-used order, which
// makes that sweep cheap (it stops at the first bucket still refilling) and lets a hard cap
// evict the stalest bucket when an unusual number of orgs is active at once.

export interface OrgRateLimiterOptions {
  ratePerSec: number;
  burst: number;
  /** milliseconds on a monotonic clock; injectable for tests */
  now?: () => number;
  /** upper bound on live buckets (memory guard) */
  maxBuckets?: number;
}

export type TakeResult = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/**
 * A token bucket per key: `burst` requests at once, refilled at `ratePerSec`.
 * @example
 *   const limiter = new OrgRateLimiter({ ratePerSec: 50, burst: 500 });
 *   const r = limiter.take(tenantKey(identity)); if (!r.allowed) res.set('Retry-After', String(r.retryAfterSeconds))
 */
export class OrgRateLimiter {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  readonly #maxBuckets: number;
  readonly #fullAfterMs: number;
  readonly #buckets = new Map<string, Bucket>();
  /** the key used last: it is already at the end of the Map, no re-insertion needed */
  #lastKey: string | undefined = undefined;
  /** no bucket was updated before this; while it is recent, the idle sweep has nothing to do */
  #oldestMs = Infinity;

  constructor(options: OrgRateLimiterOptions) {
    if (!(options.ratePerSec > 0) || !Number.isFinite(options.ratePerSec)) throw new RangeError('ratePerSec must be a finite number > 0');
    if (!(options.burst >= 1) || !Number.isFinite(options.burst)) throw new RangeError('burst must be a finite number >= 1');
    this.#ratePerMs = options.ratePerSec / 1000;
    this.#burst = options.burst;
    this.#now = options.now ?? (() => performance.now());
    this.#maxBuckets = options.maxBuckets ?? 100_000;
    this.#fullAfterMs = this.#burst / this.#ratePerMs;
  }

  /** Number of live buckets (for tests and metrics). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token from `key`'s bucket, or says how many whole seconds until one is there. */
  take(key: string): TakeResult {
    const now = this.#now();
    if (now - this.#oldestMs >= this.#fullAfterMs) this.#evictIdle(now);
    let bucket = this.#buckets.get(key);
    if (bucket !== undefined) {
      bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.updatedMs) * this.#ratePerMs);
      bucket.updatedMs = now;
      if (key !== this.#lastKey) {
        // re-inserted: keeps the Map in last-use order
        this.#buckets.delete(key);
        this.#buckets.set(key, bucket);
      }
    } else {
      if (this.#buckets.size >= this.#maxBuckets) {
        const stalest = this.#buckets.keys().next();
        if (!stalest.done) this.#buckets.delete(stalest.value);
      }
      if (this.#buckets.size === 0) this.#oldestMs = now;
      bucket = { tokens: this.#burst, updatedMs: now };
      this.#buckets.set(key, bucket);
    }
    this.#lastKey = key;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return ALLOWED;
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000)) };
  }

  #evictIdle(now: number): void {
    this.#oldestMs = Infinity;
    for (const [key, bucket] of this.#buckets) {
      if (now - bucket.updatedMs < this.#fullAfterMs) {
        this.#oldestMs = bucket.updatedMs;
        break;
      }
      this.#buckets.delete(key);
    }
  }
}

const ALLOWED: TakeResult = Object.freeze({ allowed: true });
