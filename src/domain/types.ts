// The availability check's vocabulary, shared by the ingress, the checks, the topology and the
// contract encoder. One place for each of these names.

/** The clouds we check, named as the rest of the code and the metrics name them. */
export type Provider = 'aws' | 'azure' | 'gcp';

/** Sources' authtype for each provider (README: The Sources contract §2). */
export const AUTHTYPE_BY_PROVIDER = {
  aws: 'provisioning-arn',
  azure: 'provisioning_lighthouse_subscription_id',
  gcp: 'provisioning_project_id',
} as const satisfies Record<Provider, string>;

/**
 * A definitive answer we may send to Sources. Transient failures never become one of these.
 * `partially_available` is sent only for missing permissions, when configured so.
 */
export type AvailabilityStatus = 'available' | 'unavailable' | 'partially_available';

/** What Sources needs to route a status message: the identity headers of the original request. */
export interface RequestIdentity {
  /** base64 x-rh-identity, forwarded unchanged */
  xRhIdentity: string;
  orgId: string;
  accountNumber: string;
}

/** One check request, as it travels on the request and priority topics (key: sourceId). */
export interface CheckRequest {
  sourceId: string;
  identity: RequestIdentity;
  /** user-triggered: skip the TTL table and check again */
  noCache: boolean;
  /** correlates ingress log lines with the status messages */
  requestId: string;
}

/** One application authentication found in Sources for the source (README: The Sources contract §2). */
export interface ApplicationAuthentication {
  applicationId: string;
  provider: Provider;
  /** the role ARN, subscription id or project id */
  accountRef: string;
}

/** The verdict for one application: what goes into a status message. */
export interface ApplicationStatus {
  applicationId: string;
  status: AvailabilityStatus;
  /** a sentence for the customer when unavailable; '' when available */
  error: string;
}

/** The TTL table's value per source id: the last definitive result of every application. */
export interface SourceCheckResult {
  /**
   * The tenant whose check produced it (the contract's tenantKey): only that tenant's requests are
   * answered from it. '' (entries written before owners were stored) is nobody's: never a hit.
   */
  tenant: string;
  statuses: ApplicationStatus[];
}

/**
 * The AWS account a role ARN belongs to (arn:aws:iam::123456789012:role/app → '123456789012');
 * a reference that is no role ARN is returned whole (it names nothing else).
 */
export function awsAccountOf(roleArn: string): string {
  return /^arn:[\w-]+:iam::(\d{12}):role\//.exec(roleArn)?.[1] ?? roleArn;
}
