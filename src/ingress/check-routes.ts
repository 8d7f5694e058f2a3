// The two routes that queue checks, on plain node:http objects so they run the same inside Express
// and on the server's fast path (see app.ts: Express costs several times a whole check request).
// Order of work: identity (an anonymous caller learns nothing else and its body is never read),
// org rate limit, media type, body, schema, publish, 202.
//
// This is the ingress's hot path, written with callbacks: no promise of its own, no timer and no
// named closure per request (tsx compiles with keepNames, which gives every named closure a
// defineProperty call each time it is created), and no logger work at a level that is off.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeCanonicalCheckRequest } from '../contract/check-request.ts';
import { requestIdentityFromHeaders, tenantKey } from '../contract/identity.ts';
import { DEFAULT_TOPICS, type Topics } from '../contract/topics.ts';
import type { CheckRequest, RequestIdentity } from '../domain/types.ts';
import { connectionBroken } from '../http/client-errors.ts';
import { HttpError, toHttpError, writeError } from '../http/http-error.ts';
import { readJsonBodyThen, readToEndThen, requireJsonBody } from './json-body.ts';
import type { IngressMetrics } from './metrics.ts';
import { OrgRateLimiter } from './org-rate-limiter.ts';
import { publishWithin, type Publish } from './publish.ts';
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
  /** pino's: lets the routes skip building a line nobody writes; absent = every level is on */
  isLevelEnabled?(level: string): boolean;
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

export interface RouteMatch {
  route: CheckRouteName;
  sourceIdSegment?: string;
}

export interface CheckRoutes {
  /** Which route `url` (path and query, as in req.url) is, if any; the method is the caller's business. */
  match(url: string): RouteMatch | undefined;
  /** Answers the request completely; rejects only when an injected newRequestId throws. */
  handle(route: CheckRouteName, req: IncomingMessage, res: ServerResponse, sourceIdSegment?: string): Promise<void>;
  /**
   * handle() without the promise, for the server's fast path: answers the request completely and
   * throws only when an injected newRequestId does; `done`, when given, runs once the answer is
   * written (or the connection dropped).
   * @example const m = routes.match(req.url ?? ''); if (m) routes.serve(m.route, req, res, m.sourceIdSegment)
   */
  serve(route: CheckRouteName, req: IncomingMessage, res: ServerResponse, sourceIdSegment?: string, done?: () => void): void;
}

const silent: IngressLogger = { info: () => {}, warn: () => {}, error: () => {}, isLevelEnabled: () => false };
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RECHECK = new RegExp(`^${BASE_PATH}/sources/([^/]+)/recheck/?$`);
const NO_CACHE_REFUSED = `no_cache is not accepted here: POST ${BASE_PATH}/sources/{source_id}/recheck asks for a no-cache check`;
const CHECK_MATCH: RouteMatch = Object.freeze({ route: 'check' });
const JSON_UTF8 = 'application/json; charset=utf-8';
const BROKE = 'the connection broke while this request was read (bytes after it are not HTTP: a body sent without Content-Length?); nothing was queued';

/** What one request carries from step to step. */
interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  identity: RequestIdentity;
  done: (() => void) | undefined;
}

export function createCheckRoutes(options: CheckRoutesOptions): CheckRoutes {
  const { publish, limits, metrics } = options;
  const topics = options.topics ?? DEFAULT_TOPICS;
  const logger = options.logger ?? silent;
  const newRequestId = options.newRequestId ?? randomUUID;
  const limiter = new OrgRateLimiter({ ratePerSec: limits.orgRatePerSec, burst: limits.orgBurst, ...(options.now ? { now: options.now } : {}) });

  const enabled = (level: string): boolean => logger.isLevelEnabled?.(level) ?? true;

  function rateLimit(identity: RequestIdentity): void {
    const result = limiter.take(tenantKey(identity));
    if (!result.allowed) {
      throw new HttpError(429, `too many requests for this org; retry in ${result.retryAfterSeconds} s`, { 'Retry-After': String(result.retryAfterSeconds) });
    }
  }

  /** The error answer and its log line; a throwing logger only costs the connection. */
  function refuse(exchange: Pick<Exchange, 'res' | 'requestId' | 'done'>, err: unknown): void {
    const { res, requestId } = exchange;
    try {
      const error = toHttpError(err);
      if (error.status === 500) logger.error({ err, requestId }, 'unexpected error in the ingress');
      // A throttled caller is expected behaviour, and one line per 429 would flood the warnings.
      else if (error.status === 429) logger.info({ status: 429, requestId }, 'check request throttled');
      else if (error.status < 500) logger.warn({ status: error.status, detail: error.message, requestId }, 'check request refused');
      if (!res.headersSent) writeError(res, error);
      else res.destroy();
    } catch {
      res.destroy();
    }
    exchange.done?.();
  }

  function accept(exchange: Exchange, request: CheckRequest, topic: string, started: number): void {
    try {
      const elapsedMs = performance.now() - started;
      metrics?.publishSeconds.observe({ queue: request.noCache ? 'priority' : 'requests', outcome: 'ok' }, elapsedMs / 1000);
      if (enabled('info')) {
        logger.info({
          requestId: request.requestId, sourceId: request.sourceId, orgId: request.identity.orgId, noCache: request.noCache, publishMs: Math.round(elapsedMs),
        }, 'check request queued');
      }
      // Exactly JSON.stringify({ request_id, source_id }): the source id is canonical digits.
      const text = `{"request_id":${JSON.stringify(request.requestId)},"source_id":"${request.sourceId}"}`;
      exchange.res.writeHead(202, { 'Content-Type': JSON_UTF8, 'Content-Length': Buffer.byteLength(text) });
      exchange.res.end(text);
    } catch (err) {
      refuse(exchange, err);
      return;
    }
    exchange.done?.();
  }

  /** A record that could not be encoded or published: timed, logged, then refused with `error`'s status. */
  function notPublished(exchange: Exchange, request: CheckRequest, topic: string, started: number, error: unknown): void {
    try {
      metrics?.publishSeconds.observe({ queue: request.noCache ? 'priority' : 'requests', outcome: 'failed' }, (performance.now() - started) / 1000);
      logger.error({ err: (error as Error).cause ?? error, requestId: request.requestId, sourceId: request.sourceId, topic }, 'check request not published');
    } catch (err) {
      refuse(exchange, err);
      return;
    }
    refuse(exchange, error);
  }

  function enqueue(exchange: Exchange, sourceId: string, noCache: boolean): void {
    const request: CheckRequest = { sourceId, identity: exchange.identity, noCache, requestId: exchange.requestId };
    const topic = noCache ? topics.priority : topics.requests;
    // Published only once the whole request was read and its connection is still sound.
    if (connectionBroken(exchange.req)) {
      refuse(exchange, new HttpError(400, BROKE, { Connection: 'close' }));
      return;
    }
    const started = performance.now();
    let record;
    try {
      record = encodeCanonicalCheckRequest(request);
    } catch (err) {
      notPublished(exchange, request, topic, started, err);
      return;
    }
    publishWithin(publish, topic, record, limits.publishTimeoutMs, (error) => {
      if (error === undefined) accept(exchange, request, topic, started);
      else notPublished(exchange, request, topic, started, error);
    });
  }

  function serve(route: CheckRouteName, req: IncomingMessage, res: ServerResponse, sourceIdSegment?: string, done?: () => void): void {
    const header = req.headers[INSIGHTS_REQUEST_ID_HEADER];
    const requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : newRequestId();
    if (metrics) res.once('finish', () => metrics.requests.inc({ route, status: String(res.statusCode) }));
    let identity: RequestIdentity;
    let sourceId: string | undefined;
    try {
      identity = requestIdentityFromHeaders(req.headers);
      rateLimit(identity);
      if (route === 'recheck') {
        sourceId = recheckSourceId(sourceIdSegment);
      } else {
        const query = req.url?.indexOf('?') ?? -1;
        if (query >= 0 && new URLSearchParams(req.url!.slice(query + 1)).has('no_cache')) throw new HttpError(400, NO_CACHE_REFUSED);
        requireJsonBody(req);
      }
    } catch (err) {
      refuse({ res, requestId, done }, err);
      return;
    }
    const exchange: Exchange = { req, res, requestId, identity, done };
    if (sourceId !== undefined) {
      const recheckId = sourceId;
      // No body is needed, but the request is queued only once it has been read to its end.
      readToEndThen(req, (error) => {
        if (error !== undefined) refuse(exchange, error);
        else enqueue(exchange, recheckId, true);
      });
      return;
    }
    readJsonBodyThen(req, limits.bodyLimitBytes, (error, body) => {
      if (error !== undefined) {
        refuse(exchange, error);
        return;
      }
      let id: string;
      try {
        id = sourceIdFromBody(body);
      } catch (err) {
        refuse(exchange, err);
        return;
      }
      enqueue(exchange, id, false);
    });
  }

  return {
    match(url) {
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (path === CHECK_PATH || path === `${CHECK_PATH}/`) return CHECK_MATCH;
      const recheck = RECHECK.exec(path);
      return recheck ? { route: 'recheck', sourceIdSegment: recheck[1]! } : undefined;
    },

    serve,

    handle(route, req, res, sourceIdSegment) {
      return new Promise<void>((resolve) => serve(route, req, res, sourceIdSegment, resolve));
    },
  };
}

function recheckSourceId(sourceIdSegment: string | undefined): string {
  let segment: string;
  try {
    segment = decodeURIComponent(sourceIdSegment ?? '');
  } catch {
    throw new HttpError(400, 'the source id in the path must be a positive integer (int64)');
  }
  return sourceIdFromPath(segment);
}
