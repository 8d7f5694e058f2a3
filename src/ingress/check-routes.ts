// The two routes that queue checks, on plain node:http objects so they run the same inside Express
// and on the server's fast path (see app.ts: Express costs several times a whole check request).
// Order of work: identity (an anonymous caller learns nothing else and its body is never read),
// org rate limit, media type, body, schema, publish, 202.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeCheckRequest } from '../contract/check-request.ts';
import { requestIdentityFromHeaders } from '../contract/identity.ts';
import { DEFAULT_TOPICS, type Topics } from '../contract/topics.ts';
import type { CheckRequest, RequestIdentity } from '../domain/types.ts';
import { HttpError, toHttpError, writeError, writeJson } from './http-error.ts';
import { readJsonBody, requireJsonBody } from './json-body.ts';
import type { IngressMetrics } from './metrics.ts';
import { OrgRateLimiter } from './org-rate-limiter.ts';
import { publishWithTimeout, type Publish } from './publish.ts';
import { sourceIdFromBody, sourceIdFromPath } from './request-body.ts';

export const BASE_PATH = '/api/provisioning/v1/availability_status';
export const CHECK_PATH = `${BASE_PATH}/sources`;
/** Express-style pattern of the recheck route. */
export const RECHECK_PATH = `${BASE_PATH}/sources/:sourceId/recheck`;
/** The platform's request id header; reused as our request id when it looks sane. */
export const INSIGHTS_REQUEST_ID_HEADER = 'x-rh-insights-request-id';

/** The same shape as Config['ingress']. */
export interface IngressLimits {
  bodyLimitBytes: number;
  orgRatePerSec: number;
  orgBurst: number;
  publishTimeoutMs: number;
}

/** A pino-compatible subset. */
export interface IngressLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface CheckRoutesOptions {
  publish: Publish;
  limits: IngressLimits;
  topics?: Readonly<Topics>;
  logger?: IngressLogger;
  metrics?: IngressMetrics;
  /** monotonic milliseconds for the rate limiter; injectable for tests */
  now?: () => number;
  newRequestId?: () => string;
}

export type CheckRouteName = 'check' | 'recheck';

export interface CheckRoutes {
  /** Which route `url` (path and query, as in req.url) is, if any; the method is the caller's business. */
  match(url: string): { route: CheckRouteName; sourceIdSegment?: string } | undefined;
  /** Answers the request completely; never rejects. */
  handle(route: CheckRouteName, req: IncomingMessage, res: ServerResponse, sourceIdSegment?: string): Promise<void>;
}

const silent: IngressLogger = { info: () => {}, warn: () => {}, error: () => {} };
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RECHECK = new RegExp(`^${BASE_PATH}/sources/([^/]+)/recheck/?$`);
const NO_CACHE_REFUSED = `no_cache is not accepted here: POST ${BASE_PATH}/sources/{source_id}/recheck asks for a no-cache check`;

export function createCheckRoutes(options: CheckRoutesOptions): CheckRoutes {
  const { publish, limits, metrics } = options;
  const topics = options.topics ?? DEFAULT_TOPICS;
  const logger = options.logger ?? silent;
  const newRequestId = options.newRequestId ?? randomUUID;
  const limiter = new OrgRateLimiter({ ratePerSec: limits.orgRatePerSec, burst: limits.orgBurst, ...(options.now ? { now: options.now } : {}) });

  function rateLimit(identity: RequestIdentity): void {
    const result = limiter.take(identity.orgId !== '' ? `org:${identity.orgId}` : `account:${identity.accountNumber}`);
    if (!result.allowed) {
      throw new HttpError(429, `too many requests for this org; retry in ${result.retryAfterSeconds} s`, { 'Retry-After': String(result.retryAfterSeconds) });
    }
  }

  async function enqueue(request: CheckRequest, topic: string): Promise<void> {
    const started = performance.now();
    const queue = request.noCache ? 'priority' : 'requests';
    try {
      await publishWithTimeout(publish, topic, encodeCheckRequest(request), limits.publishTimeoutMs);
    } catch (err) {
      metrics?.publishSeconds.observe({ queue, outcome: 'failed' }, (performance.now() - started) / 1000);
      logger.error({ err: (err as Error).cause ?? err, requestId: request.requestId, sourceId: request.sourceId, topic }, 'check request not published');
      throw err;
    }
    const elapsedMs = performance.now() - started;
    metrics?.publishSeconds.observe({ queue, outcome: 'ok' }, elapsedMs / 1000);
    logger.info({
      requestId: request.requestId, sourceId: request.sourceId, orgId: request.identity.orgId, noCache: request.noCache, publishMs: Math.round(elapsedMs),
    }, 'check request queued');
  }

  async function run(route: CheckRouteName, req: IncomingMessage, sourceIdSegment: string | undefined, requestId: string): Promise<string> {
    const identity = requestIdentityFromHeaders(req.headers);
    rateLimit(identity);
    if (route === 'recheck') {
      let segment: string;
      try {
        segment = decodeURIComponent(sourceIdSegment ?? '');
      } catch {
        throw new HttpError(400, 'the source id in the path must be a positive integer (int64)');
      }
      const sourceId = sourceIdFromPath(segment);
      await enqueue({ sourceId, identity, noCache: true, requestId }, topics.priority);
      return sourceId;
    }
    const query = req.url?.indexOf('?') ?? -1;
    if (query >= 0 && new URLSearchParams(req.url!.slice(query + 1)).has('no_cache')) throw new HttpError(400, NO_CACHE_REFUSED);
    requireJsonBody(req);
    const sourceId = sourceIdFromBody(await readJsonBody(req, limits.bodyLimitBytes));
    await enqueue({ sourceId, identity, noCache: false, requestId }, topics.requests);
    return sourceId;
  }

  return {
    match(url) {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (path === CHECK_PATH || path === `${CHECK_PATH}/`) return { route: 'check' };
      const recheck = RECHECK.exec(path);
      return recheck ? { route: 'recheck', sourceIdSegment: recheck[1]! } : undefined;
    },

    async handle(route, req, res, sourceIdSegment) {
      const header = req.headers[INSIGHTS_REQUEST_ID_HEADER];
      const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : newRequestId();
      if (metrics) res.once('finish', () => metrics.requests.inc({ route, status: String(res.statusCode) }));
      try {
        const sourceId = await run(route, req, sourceIdSegment, requestId);
        writeJson(res, 202, { request_id: requestId, source_id: sourceId });
      } catch (err) {
        const error = toHttpError(err);
        if (error.status === 500) logger.error({ err, requestId }, 'unexpected error in the ingress');
        // A throttled caller is expected behaviour, and one line per 429 would flood the warnings.
        else if (error.status === 429) logger.info({ status: 429, requestId }, 'check request throttled');
        else if (error.status < 500) logger.warn({ status: error.status, detail: error.message, requestId }, 'check request refused');
        if (!res.headersSent) writeError(res, error);
        else res.destroy();
      }
    },
  };
}
