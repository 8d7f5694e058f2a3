// One token bucket per key (a customer account), created on first use and dropped when idle.
// An idle bucket is full, at its configured rate and has no waiters, so dropping it and creating
// a fresh one later is indistinguishable from keeping it: eviction loses nothing. Sweeps run
// lazily from get(), at most once per sweep interval, so no background timer keeps the process up.
import { systemClock, type Clock } from './clock.ts';
import { TokenBucket, type AdaptiveOptions } from './token-bucket.ts';

export interface KeyedBucketsOptions {
  ratePerSec: number;
  burst: number;
  clock?: Clock;
  adaptive?: AdaptiveOptions;
  /** how long a bucket must have been unused before it may be dropped; default 60 000 ms */
  idleMs?: number;
}

export class KeyedBuckets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastUsed: number }>();
  private readonly clock: Clock;
  private readonly idleMs: number;
  private lastSweep: number;
  private evictedCount = 0;

  constructor(private readonly options: KeyedBucketsOptions) {
    this.clock = options.clock ?? systemClock;
    this.idleMs = options.idleMs ?? 60_000;
    this.lastSweep = this.clock.now();
    // Validate the rate and burst now rather than on the first key.
    new TokenBucket({ ratePerSec: options.ratePerSec, burst: options.burst, clock: this.clock });
  }

  get(key: string): TokenBucket {
    const now = this.clock.now();
    if (now - this.lastSweep >= this.idleMs) this.sweep(now);
    let entry = this.buckets.get(key);
    if (!entry) {
      const bucket = new TokenBucket({ ratePerSec: this.options.ratePerSec, burst: this.options.burst, clock: this.clock, adaptive: this.options.adaptive });
      entry = { bucket, lastUsed: now };
      this.buckets.set(key, entry);
    }
    entry.lastUsed = now;
    return entry.bucket;
  }

  get size(): number { return this.buckets.size; }
  /** the configured refill rate of every bucket */
  get ratePerSec(): number { return this.options.ratePerSec; }
  get evicted(): number { return this.evictedCount; }

  /** Drop every bucket unused for idleMs that is idle. */
  sweep(now = this.clock.now()): void {
    this.lastSweep = now;
    for (const [key, entry] of this.buckets) {
      if (now - entry.lastUsed >= this.idleMs && entry.bucket.isIdle()) {
        this.buckets.delete(key);
        this.evictedCount++;
      }
    }
  }
}
