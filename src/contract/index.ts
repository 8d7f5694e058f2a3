// The Sources contract and this service's topic records: the public surface of src/contract.
export { CONTRACT_ERROR_CODES, ContractError, type ContractErrorCode } from './errors.ts';
export { headerEntries, headerMap, headerValue, type IncomingHeaders, type IncomingRecord, type KafkaRecord, type RecordHeader } from './record.ts';
export {
  ACCOUNT_NUMBER_HEADER,
  IDENTITY_HEADER,
  ORG_ID_HEADER,
  TENANT_KEY_PREFIXES,
  decodeIdentityHeader,
  identityFromRecordHeaders,
  requestIdentityFromHeaders,
  tenantKey,
  type DecodedIdentity,
  type HttpHeaders,
} from './identity.ts';
export {
  AVAILABILITY_STATUS_EVENT,
  CONTENT_TYPE_HEADER,
  EVENT_TYPE_HEADER,
  JSON_CONTENT_TYPE,
  RESOURCE_TYPES,
  STATUS_VALUES,
  decodeStatusMessage,
  encodeStatusMessage,
  validateStatusMessage,
} from './status-message.ts';
export {
  checkRequestValueSchema,
  checkRequestFromValue,
  decodeCheckRequest,
  encodeCheckRequest,
  normalizeSourceId,
  validateCheckRequestValue,
  type CheckRequestValue,
} from './check-request.ts';
export { DEFAULT_TOPICS, isValidTopicName, resolveTopics, type Topics } from './topics.ts';
