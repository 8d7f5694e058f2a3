// The vocabulary of one cloud check: what a checker promises and the three outcomes it can have.
import type { Provider } from '../domain/types.ts';

/** The customer's resource can be used by our identity. */
export interface AvailableOutcome {
  kind: 'available';
}

/**
 * A definitive "no" from the cloud: access denied, role/subscription/project not found, or an
 * identifier that can never work. Only this outcome may become an "unavailable" status.
 */
export interface UnavailableOutcome {
  kind: 'unavailable';
  /** stable machine code, used for metrics labels and logs */
  code: UnavailableCode;
  /** the sentence shown to the customer, e.g. "The IAM role arn:… cannot be assumed: access denied." */
  error: string;
}

/** We could not learn the answer this time (throttled, timeout, 5xx, network, unknown). Retry later. */
export interface TransientOutcome {
  kind: 'transient';
  /** a short reason for logs and metrics, never shown to a customer */
  reason: string;
  /** the cloud told us to slow down (the rate limiter adapts on this) */
  throttled: boolean;
  /** a Retry-After hint from the cloud, when it sent one */
  retryAfterMs?: number;
}

export type CheckOutcome = AvailableOutcome | UnavailableOutcome | TransientOutcome;

export const UNAVAILABLE_CODES = ['access_denied', 'not_found', 'invalid_identifier'] as const;
export type UnavailableCode = (typeof UNAVAILABLE_CODES)[number];

/**
 * One provider's check: a single non-mutating call with our identity on the customer's resource.
 * `check` never throws for a cloud failure: every result is classified into a CheckOutcome.
 * It makes exactly one attempt; retries, timeouts and rate limits are `runCheck`'s job.
 *
 * @example
 *   const outcome = await checker.check('arn:aws:iam::123456789012:role/app', AbortSignal.timeout(5000));
 */
export interface Checker {
  readonly provider: Provider;
  check(accountRef: string, signal: AbortSignal): Promise<CheckOutcome>;
}

/** Thrown by a checker before any call when the account reference can never be valid. */
export class InvalidAccountRefError extends Error {
  readonly code = 'INVALID_ACCOUNT_REF';
  constructor(
    readonly provider: Provider,
    readonly accountRef: string,
    readonly expected: string,
  ) {
    super(`invalid ${provider} account reference ${JSON.stringify(accountRef)}: expected ${expected}`);
    this.name = 'InvalidAccountRefError';
  }
}
