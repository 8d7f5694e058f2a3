// An adaptive token bucket with an asynchronous FIFO wait queue.
//
// Refill is computed lazily from the clock; a waiter is woken by one timer set for the moment the
// queue's head can be served, so waiting costs no CPU. On a throttle reply from the cloud the rate
// is cut (multiplicative decrease, with a floor) and the bucket is emptied, because the server's
// bucket is evidently empty too; the rate then recovers linearly while no throttle arrives (AIMD).
// The burst shrinks in proportion to the rate so a slowed bucket does not burst back into the wall.
// A bucket may be given a share of its configured rate and burst (setShare): several processes
// then split one quota, each in proportion to the work it owns.
import { abortReason, systemClock, type Clock, type TimerHandle } from './clock.ts';

export interface AdaptiveOptions {
  /** factor applied to the rate on a throttle reply; default 0.5 */
  decreaseFactor?: number;
  /** the rate never drops below this fraction of the configured rate; default 0.05 */
  minRateFraction?: number;
  /** rate regained per second without throttles, as a fraction of the configured rate; default 1/60 */
  recoveryFractionPerSec?: number;
  /** throttle replies within this many ms of the last cut count as the same event; default 1000 */
  cooldownMs?: number;
}

export interface TokenBucketOptions {
  /** tokens added per second */
  ratePerSec: number;
  /** capacity; the bucket starts full */
  burst: number;
  clock?: Clock;
  adaptive?: AdaptiveOptions;
}

export interface TokenBucketStats {
  /** takes that had to wait */
  waits: number;
  /** throttle replies reported through onThrottle */
  throttleReplies: number;
  /** tokens handed out */
  granted: number;
  /** takes currently queued */
  queued: number;
  /** the current (possibly reduced) rate in tokens per second */
  currentRate: number;
}

interface Waiter {
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

export class TokenBucket {
  readonly baseRate: number;
  readonly baseBurst: number;
  private readonly clock: Clock;
  private readonly decreaseFactor: number;
  private readonly minRateFraction: number;
  private readonly recoveryFractionPerSec: number;
  /** the part of the configured rate and burst this bucket uses (1: all of it) */
  private share = 1;
  private readonly cooldownMs: number;
  private rate: number;
  private tokens: number;
  private updatedAt: number;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private readonly queue: Waiter[] = [];
  private timer: TimerHandle | undefined;
  private counters = { waits: 0, throttleReplies: 0, granted: 0 };

  constructor(options: TokenBucketOptions) {
    this.baseRate = positive('ratePerSec', options.ratePerSec);
    this.baseBurst = positive('burst', options.burst);
    this.clock = options.clock ?? systemClock;
    const a = options.adaptive ?? {};
    this.decreaseFactor = a.decreaseFactor ?? 0.5;
    if (!(this.decreaseFactor > 0 && this.decreaseFactor <= 1)) throw new RangeError(`decreaseFactor must be in (0, 1], got ${this.decreaseFactor}`);
    this.minRateFraction = a.minRateFraction ?? 0.05;
    this.recoveryFractionPerSec = a.recoveryFractionPerSec ?? 1 / 60;
    this.cooldownMs = a.cooldownMs ?? 1000;
    this.rate = this.baseRate;
    this.tokens = this.baseBurst;
    this.updatedAt = this.clock.now();
  }

  /** The configured rate times the share: what the rate recovers to. */
  private get targetRate(): number {
    return this.baseRate * this.share;
  }

  /**
   * The burst scales with the share and the adapted rate (at least one token, so the bucket
   * always makes progress; none with a share of 0).
   */
  private get capacity(): number {
    const target = this.targetRate;
    return target === 0 ? 0 : Math.max(1, this.baseBurst * this.share * (this.rate / target));
  }

  /**
   * Uses `share` (0..1) of the configured rate and burst from now on, keeping how far a throttle
   * reply had slowed it. A share of 0 hands out nothing until a later share gives it some.
   */
  setShare(share: number): void {
    if (!(share >= 0 && share <= 1)) throw new RangeError(`share must be in [0, 1], got ${share}`);
    this.refill();
    const before = this.targetRate;
    const slowed = before > 0 ? this.rate / before : 1;
    this.share = share;
    this.rate = this.targetRate * slowed;
    this.tokens = Math.min(this.tokens, this.capacity);
    if (this.queue.length > 0) this.schedule();
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedSec = Math.max(0, now - this.updatedAt) / 1000;
    this.updatedAt = now;
    if (elapsedSec === 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + elapsedSec * this.rate);
    const target = this.targetRate;
    if (this.rate < target) this.rate = Math.min(target, this.rate + elapsedSec * target * this.recoveryFractionPerSec);
  }

  /** Take a token now if one is free and nobody is queued (FIFO is never overtaken). */
  tryTake(): boolean {
    this.refill();
    if (this.queue.length > 0 || this.tokens < 1) return false;
    this.tokens -= 1;
    this.counters.granted++;
    return true;
  }

  /**
   * Wait for one token, first come first served. Rejects with the signal's reason if aborted
   * while queued (the token is then not consumed).
   */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.tryTake()) return Promise.resolve();
    this.counters.waits++;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => this.cancel(waiter);
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      if (this.queue.length === 1) this.schedule();
    });
  }

  /** Report a throttle reply from the server: slow down and stop bursting. */
  onThrottle(): void {
    this.counters.throttleReplies++;
    this.refill();
    const now = this.clock.now();
    if (now - this.lastCutAt < this.cooldownMs) return;
    this.lastCutAt = now;
    this.rate = Math.max(this.targetRate * this.minRateFraction, this.rate * this.decreaseFactor);
    this.tokens = Math.min(this.tokens, 0);
    if (this.queue.length > 0) this.schedule();
  }

  /** True when the bucket is full, at its configured rate and nobody waits: it can be dropped and recreated losslessly. */
  isIdle(): boolean {
    this.refill();
    return this.queue.length === 0 && this.rate >= this.targetRate && this.tokens >= this.capacity;
  }

  get stats(): TokenBucketStats {
    this.refill();
    return { ...this.counters, queued: this.queue.length, currentRate: this.rate };
  }

  private cancel(waiter: Waiter): void {
    const index = this.queue.indexOf(waiter);
    if (index < 0) return;
    this.queue.splice(index, 1);
    if (waiter.signal) waiter.reject(abortReason(waiter.signal));
    if (index === 0) this.schedule();
  }

  /** Serve what can be served now, then set one timer for the next head. */
  private schedule(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
    }
    this.refill();
    while (this.queue.length > 0 && this.tokens >= 1) {
      const waiter = this.queue.shift() as Waiter;
      this.tokens -= 1;
      this.counters.granted++;
      if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener('abort', waiter.onAbort);
      waiter.resolve();
    }
    if (this.queue.length === 0 || this.rate === 0) return; // a share of 0: setShare schedules again
    // At least 1 ms: timers round, and a timer that fires a hair early just reschedules.
    const waitMs = Math.max(1, ((1 - this.tokens) / this.rate) * 1000);
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.schedule();
    }, waitMs);
  }
}
