// How mapAsync retries a failing call: exponential backoff, capped, a bounded number of attempts.
// Deterministic on purpose (no jitter) so tests on a fake clock can predict every retry.
import { TopologyException } from './errors.ts';

export interface RetryPolicy {
  /** total calls including the first; 1 = no retry */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
  /** false = give up at once (a definitive failure); default: every error is retried */
  readonly retryable: (error: unknown) => boolean;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 1,
  initialBackoffMs: 100,
  maxBackoffMs: 30_000,
  multiplier: 2,
  retryable: () => true,
});

/** Throws TOPOLOGY_INVALID_OPTION naming `node` and `field` unless value is an integer >= min. */
export function checkIntegerOption(node: string, field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${node}: ${field} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** Merges a partial policy with the defaults and checks every number; names the bad field. */
export function normalizeRetryPolicy(node: string, partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const merged = { ...DEFAULT_RETRY_POLICY, ...partial };
  checkIntegerOption(node, 'retry.maxAttempts', merged.maxAttempts, 1);
  checkIntegerOption(node, 'retry.initialBackoffMs', merged.initialBackoffMs, 0);
  checkIntegerOption(node, 'retry.maxBackoffMs', merged.maxBackoffMs, 0);
  if (!(merged.multiplier >= 1)) {
    throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${node}: retry.multiplier must be >= 1, got ${String(merged.multiplier)}`);
  }
  if (typeof merged.retryable !== 'function') {
    throw new TopologyException('TOPOLOGY_INVALID_OPTION', `${node}: retry.retryable must be a function`);
  }
  return Object.freeze(merged);
}

/** The wait before attempt `failedAttempts + 1`: initial × multiplier^(failedAttempts-1), capped. */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  const raw = policy.initialBackoffMs * policy.multiplier ** Math.max(0, failedAttempts - 1);
  return Math.min(policy.maxBackoffMs, raw);
}
