// The status message to Sources (README: The Sources contract §3), byte for byte. Sources silently drops a message
// that breaks the contract, so the encoder refuses to build one and the validator lists every
// violation it finds (the contract tests and the worker's own checks use it).
import type { ApplicationStatus, AvailabilityStatus, RequestIdentity } from '../domain/types.ts';
import { ContractError } from './errors.ts';
import { ACCOUNT_NUMBER_HEADER, decodeIdentityHeader, IDENTITY_HEADER, identityFromRecordHeaders, identityRecordHeaders, ORG_ID_HEADER } from './identity.ts';
import { asText, headerEntries, type IncomingRecord, type KafkaRecord } from './record.ts';

export const EVENT_TYPE_HEADER = 'event_type';
export const AVAILABILITY_STATUS_EVENT = 'availability_status';
export const CONTENT_TYPE_HEADER = 'content-type';
export const JSON_CONTENT_TYPE = 'application/json';

/** Every resource_type Sources accepts; we only ever send `Application`. */
export const RESOURCE_TYPES = ['Source', 'Endpoint', 'Application', 'Authentication'] as const;
/** Every status Sources accepts; we send `available`, `unavailable` and (missing permissions, when configured) `partially_available`. */
export const STATUS_VALUES = ['available', 'unavailable', 'partially_available', 'in_progress', ''] as const;

const OUR_STATUSES: readonly string[] = ['available', 'unavailable', 'partially_available'] satisfies AvailabilityStatus[];
const isOurStatus = (status: unknown): status is AvailabilityStatus => typeof status === 'string' && OUR_STATUSES.includes(status);

// Sources parses resource ids as int64.
const DIGIT_ID = /^[0-9]{1,19}$/;

/**
 * Encodes one application's verdict as the exact record Sources consumes: key = application id,
 * headers event_type, x-rh-identity, x-rh-sources-org-id, x-rh-sources-account-number (each left
 * out when empty), content-type; value
 * `{"resource_type":"Application","resource_id":"<id>","status":"…","error":"…"}`.
 * Throws ContractError STATUS_MESSAGE_INVALID for input Sources would drop.
 * @example encodeStatusMessage(identity, { applicationId: '501', status: 'available', error: '' })
 */
export function encodeStatusMessage(identity: RequestIdentity, status: ApplicationStatus): KafkaRecord {
  if (!DIGIT_ID.test(status.applicationId)) {
    throw new ContractError('STATUS_MESSAGE_INVALID', `application id must be 1 to 19 digits, got ${JSON.stringify(status.applicationId)}`);
  }
  if (!isOurStatus(status.status)) {
    throw new ContractError('STATUS_MESSAGE_INVALID', `status must be available, unavailable or partially_available, got ${JSON.stringify(status.status)}`);
  }
  if (typeof status.error !== 'string') {
    throw new ContractError('STATUS_MESSAGE_INVALID', 'error must be a string');
  }
  const headers = [
    { [EVENT_TYPE_HEADER]: Buffer.from(AVAILABILITY_STATUS_EVENT) },
    ...identityRecordHeaders(identity, 'STATUS_MESSAGE_INVALID'),
    { [CONTENT_TYPE_HEADER]: Buffer.from(JSON_CONTENT_TYPE) },
  ];
  // Property order is the contract's order; JSON.stringify keeps insertion order.
  const value = JSON.stringify({
    resource_type: 'Application',
    resource_id: status.applicationId,
    status: status.status,
    error: status.error,
  });
  return { key: Buffer.from(status.applicationId), value: Buffer.from(value), headers };
}

function checkHeaders(message: IncomingRecord, problems: string[]): void {
  const entries = headerEntries(message.headers);
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    if (name !== name.toLowerCase()) problems.push(`header name "${name}" is not lowercase (Sources compares names case-sensitively)`);
    if (seen.has(name)) problems.push(`header "${name}" appears more than once`);
    seen.set(name, value);
  }
  const eventType = seen.get(EVENT_TYPE_HEADER);
  if (eventType === undefined) problems.push(`header "${EVENT_TYPE_HEADER}" is missing`);
  else if (eventType !== AVAILABILITY_STATUS_EVENT) problems.push(`header "${EVENT_TYPE_HEADER}" must be "${AVAILABILITY_STATUS_EVENT}", got "${eventType}"`);

  const contentType = seen.get(CONTENT_TYPE_HEADER);
  if (contentType === undefined) problems.push(`header "${CONTENT_TYPE_HEADER}" is missing`);
  else if (contentType !== JSON_CONTENT_TYPE) problems.push(`header "${CONTENT_TYPE_HEADER}" must be "${JSON_CONTENT_TYPE}", got "${contentType}"`);

  const identity = seen.get(IDENTITY_HEADER);
  if (identity !== undefined) {
    try {
      decodeIdentityHeader(identity);
    } catch (err) {
      problems.push(`header "${IDENTITY_HEADER}" is unusable: ${(err as Error).message}`);
    }
  }
  for (const name of [ORG_ID_HEADER, ACCOUNT_NUMBER_HEADER]) {
    if (seen.get(name) === '') problems.push(`header "${name}" is empty: leave it out instead`);
  }
  if (!seen.get(ORG_ID_HEADER) && !seen.get(ACCOUNT_NUMBER_HEADER)) {
    problems.push(`neither "${ORG_ID_HEADER}" nor "${ACCOUNT_NUMBER_HEADER}" is present`);
  }
}

function checkValue(message: IncomingRecord, problems: string[]): void {
  const text = asText(message.value);
  if (text === undefined) {
    problems.push('value is missing');
    return;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    problems.push('value is not JSON');
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('value is not a JSON object');
    return;
  }
  const fields = value as Record<string, unknown>;
  const resourceType = fields.resource_type;
  if (typeof resourceType !== 'string') problems.push('resource_type must be a string');
  else if (!(RESOURCE_TYPES as readonly string[]).includes(resourceType)) problems.push(`resource_type must be one of ${RESOURCE_TYPES.join(', ')}, got "${resourceType}"`);

  const resourceId = fields.resource_id;
  if (typeof resourceId !== 'string') problems.push('resource_id must be a string');
  else if (resourceType !== 'Authentication' && !DIGIT_ID.test(resourceId)) problems.push(`resource_id must be digits, got "${resourceId}"`);
  else if (resourceId === '') problems.push('resource_id must not be empty');

  const status = fields.status;
  if (typeof status !== 'string') problems.push('status must be a string');
  else if (!(STATUS_VALUES as readonly string[]).includes(status)) problems.push(`status must be one of ${STATUS_VALUES.filter(Boolean).join(', ')} or empty, got "${status}"`);

  if ('error' in fields && typeof fields.error !== 'string') problems.push('error must be a string');

  const key = asText(message.key);
  if (key === undefined || key === '') problems.push('key is missing (it must be the application id)');
  else if (typeof resourceId === 'string' && key !== resourceId) problems.push(`key "${key}" differs from resource_id "${resourceId}"`);
}

/**
 * Lists every way `message` breaks README: The Sources contract §3; an empty list means Sources will accept it.
 * @example assert.equal(validateStatusMessage(encodeStatusMessage(identity, status)).length, 0)
 */
export function validateStatusMessage(message: IncomingRecord): string[] {
  const problems: string[] = [];
  checkHeaders(message, problems);
  checkValue(message, problems);
  return problems;
}

/**
 * Reads one of our status messages back (tests, replay tools): validates it against §3 and
 * returns the identity and the verdict. Throws ContractError STATUS_MESSAGE_INVALID listing every
 * problem, or when the message is valid for Sources but not one we send (another resource type
 * or status).
 * @example const { status } = decodeStatusMessage(consumedMessage)
 */
export function decodeStatusMessage(message: IncomingRecord): { identity: RequestIdentity; status: ApplicationStatus } {
  const problems = validateStatusMessage(message);
  if (problems.length > 0) throw new ContractError('STATUS_MESSAGE_INVALID', `invalid status message: ${problems.join('; ')}`);
  const value = JSON.parse(asText(message.value)!) as { resource_type: string; resource_id: string; status: string; error?: string };
  if (value.resource_type !== 'Application' || !isOurStatus(value.status)) {
    throw new ContractError('STATUS_MESSAGE_INVALID', `not an application verdict: ${value.resource_type} ${JSON.stringify(value.status)}`);
  }
  return {
    identity: identityFromRecordHeaders(message.headers),
    status: { applicationId: value.resource_id, status: value.status, error: value.error ?? '' },
  };
}
