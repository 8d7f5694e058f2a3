// The vocabulary of one cloud check: what a checker promises and the three outcomes it can have.
import type { Provider } from '../domain/types.ts';
import type { RateLimitedApi } from '../ratelimit/check-limiter.ts';
import { CodedError } from '../streams/coded-error.ts';

/** The customer's resource can be used by our identity. */
export interface AvailableOutcome {
  kind: 'available';
  /**
   * AWS only: the temporary credentials AssumeRole returned, kept for the permission check that
   * follows. Never logged, never cached.
   */
  credentials?: TemporaryCredentials;
  /** required permissions that a statement with a condition or a narrower resource may or may not grant */
  unconfirmed?: readonly string[];
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
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
  /** with code missing_permissions: the required permissions the account does not grant, sorted */
  missing?: readonly string[];
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

export const UNAVAILABLE_CODES = ['access_denied', 'not_found', 'invalid_identifier', 'missing_permissions'] as const;
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
  /** the rate-limiter bucket its calls take from; default the provider's */
  readonly api?: RateLimitedApi;
  check(accountRef: string, signal: AbortSignal): Promise<CheckOutcome>;
  /**
   * The permission check that follows a successful `check`: which of `required` the account does
   * not grant. Every cloud call goes through `call` (rate limited, retried while transient); a
   * call without a definitive success ends the check with that outcome (see PermissionCalls).
   */
  permissions?(accountRef: string, reachable: AvailableOutcome, required: readonly string[], call: PermissionCall): Promise<PermissionVerdict>;
}

/** What the permission check found, before classify.ts turns it into an outcome. */
export interface PermissionVerdict {
  missing: readonly string[];
  unconfirmed: readonly string[];
}

/**
 * One cloud call of a permission check, made through the rate limiter (bucket `api`) and retried
 * while transient. `action` is the permission the call itself needs: a denied call is reported as
 * that permission missing. Resolves with the call's result; rejects with PermissionCallEnded
 * when the call ended without one (transient after the retries, or denied).
 */
export type PermissionCall = <T>(api: RateLimitedApi, action: string, send: (signal: AbortSignal) => Promise<T>) => Promise<T>;

/** A permission check's call had a definitive or transient outcome instead of a result. */
export class PermissionCallEnded extends Error {
  constructor(readonly outcome: CheckOutcome) {
    super(`permission check ended: ${outcome.kind}`);
    this.name = 'PermissionCallEnded';
  }
}

/** Thrown by a checker before any call when the account reference can never be valid. */
export class InvalidAccountRefError extends CodedError<'INVALID_ACCOUNT_REF'> {
  constructor(
    readonly provider: Provider,
    readonly accountRef: string,
    readonly expected: string,
  ) {
    super('INVALID_ACCOUNT_REF', `invalid ${provider} account reference ${JSON.stringify(accountRef)}: expected ${expected}`);
  }
}
