// The one place that decides what a cloud reply means for the customer. Every checker passes its
// SDK's error here; nothing else maps errors to outcomes.
//
// The rule that matters: only a definitive answer about the CUSTOMER's resource (access denied,
// not found, an identifier that can never work) is "unavailable". Anything about us (our own
// credentials rejected, our API not enabled, throttling), about the network, or that we do not
// recognise is "transient": retried later and never sent to Sources, because a wrong
// "unavailable" lands in a customer's inbox.
import type { Provider } from '../domain/types.ts';
import { InvalidAccountRefError, type CheckOutcome, type PermissionVerdict, type TransientOutcome, type UnavailableCode } from './types.ts';

export const AVAILABLE: CheckOutcome = Object.freeze({ kind: 'available' });

/** The customer-facing sentence for a definitive failure. */
export function unavailableSentence(provider: Provider, code: UnavailableCode, accountRef: string): string {
  switch (provider) {
    case 'aws':
      if (code === 'invalid_identifier') return `The IAM role ARN ${accountRef} is not valid.`;
      if (code === 'not_found') return `The IAM role ${accountRef} cannot be assumed: the role was not found.`;
      return `The IAM role ${accountRef} cannot be assumed: access denied.`;
    case 'azure':
      if (code === 'invalid_identifier') return `The Azure subscription id ${accountRef} is not valid.`;
      if (code === 'not_found') return `The Azure subscription ${accountRef} was not found or is not delegated to us.`;
      return `The Azure subscription ${accountRef} cannot be read: access denied.`;
    case 'gcp':
      if (code === 'invalid_identifier') return `The GCP project id ${accountRef} is not valid.`;
      if (code === 'not_found') return `The GCP project ${accountRef} was not found.`;
      return `The GCP project ${accountRef} cannot be read: permission denied, or the project does not exist.`;
  }
}

function unavailable(provider: Provider, code: Exclude<UnavailableCode, 'missing_permissions'>, accountRef: string): CheckOutcome {
  return { kind: 'unavailable', code, error: unavailableSentence(provider, code, accountRef) };
}

const PROVIDER_NAMES: Record<Provider, string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' };

/** The sentence customers see when permissions are gone, e.g. "Missing AWS permissions ec2:CreateTags, ec2:RunInstances". */
export function missingPermissionsSentence(provider: Provider, missing: readonly string[]): string {
  return `Missing ${PROVIDER_NAMES[provider]} permissions ${missing.join(', ')}`;
}

function missingPermissions(provider: Provider, missing: readonly string[]): CheckOutcome {
  const sorted = [...new Set(missing)].sort();
  return { kind: 'unavailable', code: 'missing_permissions', error: missingPermissionsSentence(provider, sorted), missing: sorted };
}

/**
 * The outcome of a permission check that read everything it needed: available, or the
 * definitive "missing permissions" with the sorted list. Permissions it cannot confirm (a
 * condition, a narrower resource) are never missing; they ride along for the operator command.
 */
export function permissionOutcome(provider: Provider, verdict: PermissionVerdict): CheckOutcome {
  if (verdict.missing.length > 0) return missingPermissions(provider, verdict.missing);
  return verdict.unconfirmed.length > 0 ? { kind: 'available', unconfirmed: [...verdict.unconfirmed].sort() } : AVAILABLE;
}

/**
 * A failed call of the permission check. The same rules as a reachability call, except that
 * "access denied" means the customer took away the permission the call itself needs (e.g.
 * iam:GetPolicy): that permission is reported as missing, by name.
 */
export function classifyPermissionCall(provider: Provider, accountRef: string, action: string, err: unknown): CheckOutcome {
  const outcome = classifyError(provider, accountRef, err);
  if (outcome.kind === 'unavailable' && outcome.code === 'access_denied') return missingPermissions(provider, [action]);
  return outcome;
}

function transient(reason: string, throttled = false, retryAfterMs?: number): TransientOutcome {
  return retryAfterMs === undefined ? { kind: 'transient', reason, throttled } : { kind: 'transient', reason, throttled, retryAfterMs };
}

type ErrorLike = Record<string, unknown>;
const asRecord = (v: unknown): ErrorLike => (typeof v === 'object' && v !== null ? (v as ErrorLike) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH',
  'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT',
  'REQUEST_SEND_ERROR', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Abort/timeout and socket-level failures look the same in every SDK; recognise them first. */
function genericTransient(err: ErrorLike): TransientOutcome | undefined {
  const name = str(err.name);
  if (name === 'AbortError' || name === 'TimeoutError' || str(err.code) === 'ABORT_ERR') return transient('timeout');
  const codes = [str(err.code), str(asRecord(err.cause).code), str(asRecord(asRecord(err.cause).cause).code)];
  const netCode = codes.find((c) => c !== undefined && NETWORK_CODES.has(c));
  if (netCode) return transient(`network: ${netCode}`);
  return undefined;
}

function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

// STS AssumeRole error codes (Query protocol; the SDK puts the code in `name`).
// A missing role and a trust policy that does not name us both come back as AccessDenied.
const AWS_DENIED = new Set(['AccessDenied', 'AccessDeniedException']);
// Our own parameters (session name, external id, duration) are validated up front, so these can only be the ARN.
const AWS_INVALID = new Set(['InvalidParameterValue', 'ValidationError']);
const AWS_THROTTLE = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown']);
// Problems with OUR credentials or account: every customer would fail the same way.
const AWS_OURS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'ExpiredToken', 'ExpiredTokenException',
  'IncompleteSignature', 'MissingAuthenticationToken', 'RegionDisabledException', 'UnrecognizedClientException']);

function classifyAws(accountRef: string, err: ErrorLike): CheckOutcome {
  const code = str(err.name) ?? str(err.Code) ?? '';
  const status = num(asRecord(err.$metadata).httpStatusCode);
  if (AWS_THROTTLE.has(code) || status === 429 || asRecord(err.$retryable).throttling === true) return transient(`aws ${code || status}: throttled`, true);
  if (AWS_DENIED.has(code)) return unavailable('aws', 'access_denied', accountRef);
  if (AWS_INVALID.has(code)) return unavailable('aws', 'invalid_identifier', accountRef);
  if (AWS_OURS.has(code)) return transient(`aws ${code}: our credentials were rejected`);
  return transient(`aws ${code || 'unknown error'}${status ? ` (HTTP ${status})` : ''}`);
}

// ARM error codes for GET /subscriptions/{id}, and the AAD token endpoint's errors (ours).
const AZURE_DENIED = new Set(['AuthorizationFailed', 'LinkedAuthorizationFailed']);
const AZURE_NOT_FOUND = new Set(['SubscriptionNotFound']);
const AZURE_INVALID = new Set(['InvalidSubscriptionId']);
const AZURE_THROTTLE = new Set(['TooManyRequests', 'SubscriptionRequestsThrottled', 'TenantRequestsThrottled']);
const AZURE_TOKEN_ERRORS = new Set(['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'AggregateAuthenticationError']);

function classifyAzure(accountRef: string, err: ErrorLike): CheckOutcome {
  const name = str(err.name) ?? '';
  const code = str(err.code) ?? '';
  const status = num(err.statusCode);
  const headers = asRecord(asRecord(err.response).headers);
  const retryAfter = typeof headers.get === 'function' ? parseRetryAfter((headers.get as (n: string) => string | undefined)('retry-after')) : undefined;
  if (status === 429 || AZURE_THROTTLE.has(code)) return transient(`azure ${code || status}: throttled`, true, retryAfter);
  // The token request failed: our service principal's secret, tenant or endpoint, never the customer's.
  if (AZURE_TOKEN_ERRORS.has(name)) return transient(`azure token request failed: ${(str(err.message) ?? '').split('\n')[0]?.slice(0, 160)}`);
  // Definitive answers need ARM's own error code: a bare 403/404 may come from a proxy.
  if (AZURE_DENIED.has(code)) return unavailable('azure', 'access_denied', accountRef);
  if (AZURE_NOT_FOUND.has(code)) return unavailable('azure', 'not_found', accountRef);
  if (AZURE_INVALID.has(code)) return unavailable('azure', 'invalid_identifier', accountRef);
  if (status === 401) return transient(`azure ${code || 'HTTP 401'}: our token was rejected`);
  return transient(`azure ${code || name || 'unknown error'}${status ? ` (HTTP ${status})` : ''}`);
}

// google.rpc.Code names by number, as a gax-decoded GoogleError carries them in `code`.
const RPC_CODE_NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL',
  'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'] as const;
// ErrorInfo reasons on PERMISSION_DENIED that are about our consumer project, not the customer's.
const GCP_OUR_REASONS = new Set(['SERVICE_DISABLED', 'CONSUMER_INVALID', 'API_KEY_INVALID', 'BILLING_DISABLED', 'USER_PROJECT_DENIED']);

interface GcpStatus { status: string | undefined; http: number | undefined; reason: string | undefined }

/**
 * The REST transport surfaces two shapes: a GoogleError (numeric rpc `code`, `reason` from
 * ErrorInfo), or, when the HTTP layer rejects first, a GaxiosError whose `status` is the HTTP
 * status and whose message is the body: Google's envelope {"error":{"code","status","details"}}.
 */
function gcpStatus(err: ErrorLike): GcpStatus {
  const http = num(err.status);
  try {
    const envelope = asRecord(asRecord(JSON.parse(str(err.message) ?? '')).error);
    const details = Array.isArray(envelope.details) ? envelope.details.map(asRecord) : [];
    const info = details.find((d) => str(d['@type'])?.endsWith('google.rpc.ErrorInfo'));
    if (str(envelope.status)) return { status: str(envelope.status), http: num(envelope.code) ?? http, reason: str(info?.reason) };
  } catch {
    // not an envelope; fall through
  }
  const code = num(err.code);
  const isRpcCode = code !== undefined && Number.isInteger(code) && code >= 0 && code < RPC_CODE_NAMES.length && http === undefined;
  return { status: isRpcCode ? RPC_CODE_NAMES[code] : undefined, http: http ?? (isRpcCode ? undefined : code), reason: str(err.reason) };
}

function classifyGcp(accountRef: string, err: ErrorLike): CheckOutcome {
  const { status, http, reason } = gcpStatus(err);
  if (status === 'RESOURCE_EXHAUSTED' || http === 429) return transient(`gcp ${status ?? 'HTTP 429'}: throttled`, true);
  // Definitive answers need Google's own status: a bare HTTP 403/404 may come from a proxy.
  switch (status) {
    case 'PERMISSION_DENIED':
      if (reason && GCP_OUR_REASONS.has(reason)) return transient(`gcp PERMISSION_DENIED ${reason}: our project's problem`);
      return unavailable('gcp', 'access_denied', accountRef);
    case 'NOT_FOUND': return unavailable('gcp', 'not_found', accountRef);
    case 'INVALID_ARGUMENT': return unavailable('gcp', 'invalid_identifier', accountRef);
    case 'UNAUTHENTICATED': return transient('gcp UNAUTHENTICATED: our credentials were rejected');
    case 'DEADLINE_EXCEEDED': return transient('timeout');
  }
  return transient(`gcp ${status ?? (http ? `HTTP ${http}` : str(err.name) ?? 'unknown error')}`);
}

/**
 * Classify a failed check attempt. `err` is whatever the provider's SDK threw.
 *
 * @example
 *   try { await sts.send(cmd); return AVAILABLE; } catch (err) { return classifyError('aws', arn, err); }
 */
export function classifyError(provider: Provider, accountRef: string, err: unknown): CheckOutcome {
  if (err instanceof InvalidAccountRefError) return unavailable(provider, 'invalid_identifier', accountRef);
  const e = asRecord(err);
  const generic = genericTransient(e);
  if (generic) return generic;
  switch (provider) {
    case 'aws': return classifyAws(accountRef, e);
    case 'azure': return classifyAzure(accountRef, e);
    case 'gcp': return classifyGcp(accountRef, e);
  }
}
