// Public surface of the rate limiter.
export { systemClock, type Clock, type TimerHandle } from './clock.ts';
export { TokenBucket, type TokenBucketOptions, type TokenBucketStats, type AdaptiveOptions } from './token-bucket.ts';
export { Semaphore } from './semaphore.ts';
export { KeyedBuckets, type KeyedBucketsOptions } from './keyed-buckets.ts';
export {
  CheckLimiter, DEFAULT_PROVIDER_LIMITS, RATE_LIMITED_APIS,
  type CheckGate, type CheckLimiterOptions, type Permit, type ProviderLimits, type ProviderLimiterStats, type RateLimit, type RateLimitedApi, type RateLimitKey,
} from './check-limiter.ts';
