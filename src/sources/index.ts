// Public surface of the Sources API client.
export { SourcesClient, type SourcesClientOptions, type AuthenticationsResult } from './client.ts';
export {
  SourcesError, SourcesUnauthorizedError, SourcesUnavailableError, SourcesBadResponseError, InvalidSourceIdError,
  SOURCES_ERROR_CODES, type SourcesErrorCode,
} from './errors.ts';
