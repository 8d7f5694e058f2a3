// The body of Sources' check request (README: The Sources contract §1): {"source_id":"463243"}. The schema is the
// one published in openapi.json (a test keeps the two equal).
import { Ajv } from 'ajv';
import { normalizeSourceId } from '../contract/check-request.ts';
import { HttpError } from '../http/http-error.ts';

/** JSON schema of the POST body; unknown fields are ignored, as Sources ignores ours. */
export const checkRequestBodySchema = {
  type: 'object',
  required: ['source_id'],
  properties: {
    source_id: {
      description: 'the source to check: a string of digits (what Sources sends) or a JSON integer',
      oneOf: [
        { type: 'string', pattern: '^[0-9]{1,19}$' },
        { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
      ],
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validateBody = ajv.compile(checkRequestBodySchema);

const SOURCE_ID_RULE = 'source_id must be a positive integer (int64), as a string of digits or a JSON number';

/**
 * Validates a parsed body and returns the canonical source id. Throws HttpError 400 naming the
 * problem. A body asking for `no_cache` is refused rather than silently downgraded: the no-cache
 * path is its own route.
 */
export function sourceIdFromBody(body: unknown): string {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'request body must be a JSON object like {"source_id":"123"}');
  }
  if (!validateBody(body)) {
    const missing = validateBody.errors?.some((e) => e.keyword === 'required');
    throw new HttpError(400, missing ? 'source_id is required' : SOURCE_ID_RULE);
  }
  if ('no_cache' in body) {
    throw new HttpError(400, 'no_cache is not accepted here: POST /api/provisioning/v1/availability_status/sources/{source_id}/recheck asks for a no-cache check');
  }
  const sourceId = normalizeSourceId((body as { source_id: unknown }).source_id);
  if (sourceId === undefined) throw new HttpError(400, SOURCE_ID_RULE);
  return sourceId;
}

/** The canonical source id from a path segment, or HttpError 400. */
export function sourceIdFromPath(segment: string): string {
  const sourceId = /^[0-9]+$/.test(segment) ? normalizeSourceId(segment) : undefined;
  if (sourceId === undefined) throw new HttpError(400, 'the source id in the path must be a positive integer (int64)');
  return sourceId;
}
