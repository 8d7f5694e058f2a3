// What one check request has spent so far, across every layer that retries: the check step's
// attempts (mapAsync), the cloud check's attempts (runCheck) and the Sources client's. Without a
// ledger shared by all three, their retries multiply (3 × 5 cloud calls for one throttled
// account); with it, one request costs at most:
//   - CHECK_MAX_ATTEMPTS reachability calls per distinct account (provider, role/subscription/
//     project), and CHECK_MAX_ATTEMPTS failed permission reads per account (a successful read is
//     not a retry: the permission check makes one per policy it reads, again on a later attempt);
//   - MAX_FAILED_SOURCES_REQUESTS Sources requests that fail (5xx, 429, network, timeout), plus
//     one successful request per page of the source's authentications (a later attempt of the
//     same request reuses what Sources answered).
// The topology creates one ledger per request record; coalesced requests share their leader's.
import type { ApplicationAuthentication, Provider } from '../domain/types.ts';
import { CodedError } from '../streams/coded-error.ts';

/** Failed Sources requests one check request may make, whichever layer retries them. */
export const MAX_FAILED_SOURCES_REQUESTS = 3;

export class RequestSpending {
  /** @param tenant the request's tenant (tenantKey): what it spends is charged to that tenant's rate-limit buckets */
  constructor(readonly tenant: string) {}

  readonly #cloudCalls = new Map<string, number>();
  readonly #failedPermissionReads = new Map<string, number>();
  /** Sources requests that failed */
  failedSourcesRequests = 0;
  /** what Sources answered, once it did: a later attempt of the request does not ask again */
  found: { applications: ApplicationAuthentication[] | undefined } | undefined = undefined;

  /** cloud calls made into this account for this request */
  cloudCalls(provider: Provider, accountRef: string): number {
    return this.#cloudCalls.get(`${provider}\u0000${accountRef}`) ?? 0;
  }

  /** permission reads into this account that failed (throttled, 5xx, timeout, denied) for this request */
  failedPermissionReads(provider: Provider, accountRef: string): number {
    return this.#failedPermissionReads.get(`${provider}\u0000${accountRef}`) ?? 0;
  }

  countFailedPermissionRead(provider: Provider, accountRef: string): void {
    const key = `${provider}\u0000${accountRef}`;
    this.#failedPermissionReads.set(key, (this.#failedPermissionReads.get(key) ?? 0) + 1);
  }

  /** Counts one cloud call into the account, unless `limit` calls were made already (then false). */
  takeCloudCall(provider: Provider, accountRef: string, limit: number): boolean {
    const key = `${provider}\u0000${accountRef}`;
    const made = this.#cloudCalls.get(key) ?? 0;
    if (made >= limit) return false;
    this.#cloudCalls.set(key, made + 1);
    return true;
  }
}

/**
 * The request has spent what it may on an account or on Sources and still has no answer: the
 * check step does not try again (the record goes to the dead letters; Sources asks again later).
 */
export class RequestBudgetSpentError extends CodedError<'CHECK_BUDGET_SPENT'> {
  readonly transient = true;
  readonly retryable = false;
  constructor(message: string, options?: ErrorOptions) {
    super('CHECK_BUDGET_SPENT', message, options);
  }
}
