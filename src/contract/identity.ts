// The tenant identity of a request (README: The Sources contract §1): the base64 `x-rh-identity` JSON plus the
// `x-rh-sources-org-id` / `x-rh-sources-account-number` headers. Decoded and checked here once;
// everything downstream carries the resulting RequestIdentity and forwards the header unchanged.
import type { RequestIdentity } from '../domain/types.ts';
import { ContractError } from './errors.ts';
import { headerValue, type IncomingHeaders, type RecordHeader } from './record.ts';

export const IDENTITY_HEADER = 'x-rh-identity';
export const ORG_ID_HEADER = 'x-rh-sources-org-id';
export const ACCOUNT_NUMBER_HEADER = 'x-rh-sources-account-number';

/** What we use from the identity JSON; '' stands for absent. */
export interface DecodedIdentity {
  orgId: string;
  accountNumber: string;
  /** `User`, `System`, … when given; informational only */
  type: string;
}

// Standard base64 (what Sources and the gateway send); padding may be left out.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Tenant ids go into Kafka headers and Sources' URLs: visible ASCII, bounded.
const TENANT_ID = /^[\x21-\x7e]{1,64}$/;
// Node rejects larger header sections anyway (16 KiB); this keeps the error ours and clear.
const MAX_IDENTITY_LENGTH = 8192;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

// Sources sends the same few identities all day, and decoding one (strict base64 round trip,
// UTF-8, JSON) costs more than the rest of a check request, so decoded identities are kept per
// header string. Two generations bound the memory without a linked list: a hit in `older` moves
// the entry to `recent`; when `recent` is full it becomes `older` and the previous `older` is
// dropped. At most 2 × IDENTITY_CACHE_GENERATION entries of at most IDENTITY_CACHE_MAX_LENGTH
// characters (about 20 MB in the worst case, a few KB in practice); only valid identities are kept.
const IDENTITY_CACHE_GENERATION = 5_000;
const IDENTITY_CACHE_MAX_LENGTH = 2048;
let recentIdentities = new Map<string, DecodedIdentity>();
let olderIdentities = new Map<string, DecodedIdentity>();

function cachedIdentity(header: string): DecodedIdentity | undefined {
  const recent = recentIdentities.get(header);
  if (recent !== undefined) return recent;
  const older = olderIdentities.get(header);
  if (older !== undefined) rememberIdentity(header, older);
  return older;
}

function rememberIdentity(header: string, identity: DecodedIdentity): void {
  if (header.length > IDENTITY_CACHE_MAX_LENGTH) return;
  if (recentIdentities.size >= IDENTITY_CACHE_GENERATION) {
    olderIdentities = recentIdentities;
    recentIdentities = new Map();
  }
  recentIdentities.set(header, identity);
}

function decodeBase64Strict(text: string): Buffer {
  const unpadded = text.replace(/=+$/, '');
  const paddingOk = unpadded.length === text.length || text.length % 4 === 0;
  if (!BASE64.test(text) || unpadded.length % 4 === 1 || !paddingOk) {
    throw new ContractError('IDENTITY_NOT_BASE64', `${IDENTITY_HEADER} is not valid base64`);
  }
  const bytes = Buffer.from(unpadded, 'base64');
  // Buffer.from silently drops stray bits; a round trip catches a non-canonical encoding.
  if (bytes.toString('base64').replace(/=+$/, '') !== unpadded) {
    throw new ContractError('IDENTITY_NOT_BASE64', `${IDENTITY_HEADER} is not valid base64`);
  }
  return bytes;
}

function tenantField(identity: Record<string, unknown>, field: 'org_id' | 'account_number'): string {
  const value = identity[field];
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string') {
    throw new ContractError('IDENTITY_BAD_FIELD', `${IDENTITY_HEADER}: identity.${field} must be a string`);
  }
  if (!TENANT_ID.test(value)) {
    throw new ContractError('IDENTITY_BAD_FIELD', `${IDENTITY_HEADER}: identity.${field} must be 1 to 64 visible ASCII characters`);
  }
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes an `x-rh-identity` header value: base64 → UTF-8 JSON → `identity.org_id` /
 * `identity.account_number`. Throws ContractError: 401 when absent or empty, 400 when not
 * base64, not JSON, without an `identity` object, or with neither org nor account.
 * The result is frozen: the same object is returned for the same header (see the cache above).
 * @example decodeIdentityHeader('eyJpZGVudGl0eSI6eyJvcmdfaWQiOiIxIn19') // → { orgId: '1', accountNumber: '', type: '' }
 */
export function decodeIdentityHeader(header: string | undefined): DecodedIdentity {
  if (header === undefined) throw new ContractError('IDENTITY_MISSING', `${IDENTITY_HEADER} header is required`);
  const cached = cachedIdentity(header);
  if (cached !== undefined) return cached;
  const decoded = Object.freeze(decodeIdentityText(header.trim()));
  rememberIdentity(header, decoded);
  return decoded;
}

function decodeIdentityText(text: string): DecodedIdentity {
  if (text === '') throw new ContractError('IDENTITY_MISSING', `${IDENTITY_HEADER} header is required`);
  if (text.length > MAX_IDENTITY_LENGTH) {
    throw new ContractError('IDENTITY_NOT_BASE64', `${IDENTITY_HEADER} is longer than ${MAX_IDENTITY_LENGTH} characters`);
  }
  const bytes = decodeBase64Strict(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(bytes));
  } catch (cause) {
    throw new ContractError('IDENTITY_NOT_JSON', `${IDENTITY_HEADER} does not decode to JSON`, { cause });
  }
  if (!isObject(parsed) || !isObject(parsed.identity)) {
    throw new ContractError('IDENTITY_NO_OBJECT', `${IDENTITY_HEADER} has no "identity" object`);
  }
  const identity = parsed.identity;
  const orgId = tenantField(identity, 'org_id');
  const accountNumber = tenantField(identity, 'account_number');
  if (orgId === '' && accountNumber === '') {
    throw new ContractError('IDENTITY_NO_TENANT', `${IDENTITY_HEADER} has neither identity.org_id nor identity.account_number`);
  }
  return { orgId, accountNumber, type: typeof identity.type === 'string' ? identity.type : '' };
}

/** HTTP-style headers: lowercase names; Node joins repeated unknown headers into one string. */
export type HttpHeaders = { [name: string]: string | string[] | undefined };

function single(headers: HttpHeaders, name: string): string {
  const value = headers[name];
  if (Array.isArray(value)) throw new ContractError('IDENTITY_BAD_HEADER', `${name} must be sent once`);
  return value?.trim() ?? '';
}

// What the org/account headers may do: repeat the identity's value, or, for an identity without
// that field, carry a value on to Sources (which lets x-rh-identity win anyway). Either way the
// header never decides the tenant: that is tenantKey(), from x-rh-identity alone.
function reconcile(name: string, fromHeader: string, fromIdentity: string, field: string): string {
  if (fromHeader === '') return fromIdentity;
  if (!TENANT_ID.test(fromHeader)) {
    throw new ContractError('IDENTITY_BAD_HEADER', `${name} must be 1 to 64 visible ASCII characters`);
  }
  // Sources lets x-rh-identity win over these headers; a disagreement means a broken caller,
  // and guessing which tenant was meant would risk answering for the wrong one.
  if (fromIdentity !== '' && fromIdentity !== fromHeader) {
    throw new ContractError('IDENTITY_HEADER_MISMATCH', `${name} does not match ${IDENTITY_HEADER} identity.${field}`);
  }
  return fromHeader;
}

/**
 * Builds the RequestIdentity of an inbound request. The org/account headers win when present and
 * fall back to the identity's values; both present and different is rejected (400). A header
 * filling a field the identity lacks is only forwarded: tenantKey() ignores it.
 * `xRhIdentity` is the header exactly as received (trimmed), to be forwarded unchanged.
 */
export function requestIdentityFromHeaders(headers: HttpHeaders): RequestIdentity {
  const raw = single(headers, IDENTITY_HEADER);
  const decoded = decodeIdentityHeader(raw);
  return {
    xRhIdentity: raw,
    orgId: reconcile(ORG_ID_HEADER, single(headers, ORG_ID_HEADER), decoded.orgId, 'org_id'),
    accountNumber: reconcile(ACCOUNT_NUMBER_HEADER, single(headers, ACCOUNT_NUMBER_HEADER), decoded.accountNumber, 'account_number'),
  };
}

/** The prefixes of tenant keys, in a fixed order (the results table's codec stores their index). */
export const TENANT_KEY_PREFIXES = ['org:', 'account:'] as const;

/**
 * The tenant a request belongs to, from its x-rh-identity alone: `org:<org_id>` when the identity
 * has an org id, else `account:<account_number>`. The one answer to "whose is this?": the owner
 * of a results-table entry, the coalescing key of a check in flight and the ingress rate-limit
 * bucket all use it. The org/account headers never enter it (a caller could name anyone there).
 * Throws ContractError like decodeIdentityHeader for a missing or unusable identity.
 * @example tenantKey({ xRhIdentity: 'eyJpZGVudGl0eSI6eyJvcmdfaWQiOiIxIn19', orgId: '1', accountNumber: '' }) // → 'org:1'
 */
export function tenantKey(identity: Pick<RequestIdentity, 'xRhIdentity'>): string {
  const decoded = decodeIdentityHeader(identity.xRhIdentity);
  return decoded.orgId !== '' ? `${TENANT_KEY_PREFIXES[0]}${decoded.orgId}` : `${TENANT_KEY_PREFIXES[1]}${decoded.accountNumber}`;
}

/**
 * The identity headers in contract order: x-rh-identity, x-rh-sources-org-id,
 * x-rh-sources-account-number; an empty value is left out. Throws when neither org nor account
 * is set, since Sources drops such a message.
 */
export function identityRecordHeaders(identity: RequestIdentity, code: 'STATUS_MESSAGE_INVALID' | 'CHECK_REQUEST_INVALID'): RecordHeader[] {
  if (identity.orgId === '' && identity.accountNumber === '') {
    throw new ContractError(code, 'the identity has neither an org id nor an account number');
  }
  const headers: RecordHeader[] = [];
  if (identity.xRhIdentity !== '') headers.push({ [IDENTITY_HEADER]: Buffer.from(identity.xRhIdentity) });
  if (identity.orgId !== '') headers.push({ [ORG_ID_HEADER]: Buffer.from(identity.orgId) });
  if (identity.accountNumber !== '') headers.push({ [ACCOUNT_NUMBER_HEADER]: Buffer.from(identity.accountNumber) });
  return headers;
}

/** Reads the identity back from record headers (missing header = ''). */
export function identityFromRecordHeaders(headers: IncomingHeaders): RequestIdentity {
  return {
    xRhIdentity: headerValue(headers, IDENTITY_HEADER) ?? '',
    orgId: headerValue(headers, ORG_ID_HEADER) ?? '',
    accountNumber: headerValue(headers, ACCOUNT_NUMBER_HEADER) ?? '',
  };
}
