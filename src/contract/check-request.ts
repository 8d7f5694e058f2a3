// The record on the request and priority topics (README: The Sources contract §4): key = source id, value
// `{"source_id":"…","no_cache":false,"request_id":"…"}`, identity in the same headers as the status
// message. The ingress encodes it; the worker's topology source decodes and validates it with
// the exported schema, so producers other than our ingress are held to the same rules.
import { Ajv, type ValidateFunction } from 'ajv';
import type { CheckRequest } from '../domain/types.ts';
import { ContractError } from './errors.ts';
import { identityFromRecordHeaders, identityRecordHeaders } from './identity.ts';
import { asText, type IncomingHeaders, type IncomingRecord, type KafkaRecord } from './record.ts';
import { CONTENT_TYPE_HEADER, JSON_CONTENT_TYPE } from './status-message.ts';

/** The value as it travels on the topic. */
export interface CheckRequestValue {
  source_id: string;
  no_cache?: boolean;
  request_id?: string;
}

/**
 * JSON schema of the record value; unknown fields are allowed for forward compatibility. It has
 * no `$id`, so any ajv instance may compile it more than once.
 */
export const checkRequestValueSchema = {
  type: 'object',
  required: ['source_id'],
  properties: {
    source_id: { type: 'string', pattern: '^[1-9][0-9]{0,18}$', description: 'Sources source id, canonical digits' },
    no_cache: { type: 'boolean', description: 'user-triggered: skip the results table' },
    request_id: { type: 'string', maxLength: 128, description: 'correlation id from the ingress' },
  },
  additionalProperties: true,
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
/** Compiled validator of checkRequestValueSchema (ajv); `errors` lists what failed. */
export const validateCheckRequestValue: ValidateFunction<CheckRequestValue> = ajv.compile<CheckRequestValue>(checkRequestValueSchema);

const INT64_MAX = 9223372036854775807n;

/**
 * Canonical source id: a positive int64 as digits without leading zeros. Accepts a digit string
 * or a non-negative safe-integer JSON number (Sources sends a string; older callers a number).
 * Returns undefined when the value cannot be a source id.
 * @example normalizeSourceId(463243) // '463243'
 */
export function normalizeSourceId(value: unknown): string | undefined {
  let digits: string;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) return undefined;
    digits = String(value);
  } else if (typeof value === 'string' && /^[0-9]{1,64}$/.test(value)) {
    digits = value.charCodeAt(0) === 0x30 ? value.replace(/^0+(?=.)/, '') : value;
  } else {
    return undefined;
  }
  // Below 19 digits every value fits an int64; only 19 digits need the exact comparison.
  if (digits === '0' || digits.length > 19 || (digits.length === 19 && BigInt(digits) > INT64_MAX)) return undefined;
  return digits;
}

const REQUEST_ID_MAX_LENGTH = checkRequestValueSchema.properties.request_id.maxLength;

/**
 * Encodes a check request for the request or priority topic.
 * @example producer.produce(topics.requests, null, r.value, r.key, Date.now(), undefined, r.headers)
 */
export function encodeCheckRequest(request: CheckRequest): KafkaRecord {
  const sourceId = normalizeSourceId(request.sourceId);
  if (sourceId === undefined || sourceId !== request.sourceId) {
    throw new ContractError('CHECK_REQUEST_INVALID', `source id must be canonical digits, got ${JSON.stringify(request.sourceId)}`);
  }
  const value: CheckRequestValue = { source_id: sourceId, no_cache: request.noCache, request_id: request.requestId };
  if (!validateCheckRequestValue(value)) {
    throw new ContractError('CHECK_REQUEST_INVALID', `invalid check request: ${ajv.errorsText(validateCheckRequestValue.errors)}`);
  }
  return encodeCanonicalCheckRequest(request);
}

/**
 * encodeCheckRequest for a caller that already holds a canonical source id (from
 * normalizeSourceId, as the ingress routes do): the same record, without validating the id again
 * or running the schema over a value built here. The request id's length and the identity are
 * still checked, with encodeCheckRequest's errors. The ingress's hot path; anyone else should
 * call encodeCheckRequest.
 * @example encodeCanonicalCheckRequest({ sourceId: normalizeSourceId(body.source_id)!, identity, noCache: false, requestId })
 */
export function encodeCanonicalCheckRequest(request: CheckRequest): KafkaRecord {
  const { sourceId, requestId } = request;
  if (typeof requestId !== 'string' || requestId.length > REQUEST_ID_MAX_LENGTH) {
    const rule = typeof requestId !== 'string' ? 'must be string' : `must NOT have more than ${REQUEST_ID_MAX_LENGTH} characters`;
    throw new ContractError('CHECK_REQUEST_INVALID', `invalid check request: data/request_id ${rule}`);
  }
  const headers = identityRecordHeaders(request.identity, 'CHECK_REQUEST_INVALID');
  headers.push({ [CONTENT_TYPE_HEADER]: Buffer.from(JSON_CONTENT_TYPE) });
  // Exactly JSON.stringify({ source_id, no_cache, request_id }): the id is digits, the flag a boolean.
  const value = `{"source_id":"${sourceId}","no_cache":${request.noCache === true},"request_id":${JSON.stringify(requestId)}}`;
  return { key: Buffer.from(sourceId), value: Buffer.from(value), headers };
}

/**
 * Decodes a record from the request or priority topic. Throws ContractError
 * CHECK_REQUEST_INVALID (with the reason) for a value that fails the schema, a key that differs
 * from source_id, or headers without org and account. Missing no_cache = false, request_id = ''.
 */
export function decodeCheckRequest(record: IncomingRecord): CheckRequest {
  const text = asText(record.value);
  if (text === undefined) throw new ContractError('CHECK_REQUEST_INVALID', 'check request has no value');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new ContractError('CHECK_REQUEST_INVALID', 'check request value is not JSON', { cause });
  }
  if (!validateCheckRequestValue(value)) {
    throw new ContractError('CHECK_REQUEST_INVALID', `invalid check request: ${ajv.errorsText(validateCheckRequestValue.errors, { dataVar: 'value' })}`);
  }
  return checkRequestFromValue(asText(record.key), value, record.headers);
}

/**
 * The rules past the value's schema, for a value already validated against
 * checkRequestValueSchema (the worker's topology source does that): the record's key, when it has
 * one, is the source id (the partition, and so the results table's shard, follows the key), and
 * the headers carry an org id or an account number. Throws ContractError CHECK_REQUEST_INVALID.
 */
export function checkRequestFromValue(key: string | null | undefined, value: CheckRequestValue, headers: IncomingHeaders): CheckRequest {
  if (key !== undefined && key !== null && key !== value.source_id) {
    throw new ContractError('CHECK_REQUEST_INVALID', `check request key "${key}" differs from source_id "${value.source_id}"`);
  }
  const identity = identityFromRecordHeaders(headers);
  if (identity.orgId === '' && identity.accountNumber === '') {
    throw new ContractError('CHECK_REQUEST_INVALID', 'check request headers carry neither an org id nor an account number');
  }
  return { sourceId: value.source_id, identity, noCache: value.no_cache ?? false, requestId: value.request_id ?? '' };
}
