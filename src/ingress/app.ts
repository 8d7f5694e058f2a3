// The ingress: Sources' availability-check POST → one record on the request topic, answered 202
// in milliseconds; a user's recheck → the priority topic. No cloud work happens here.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { encodeCheckRequest } from '../contract/check-request.ts';
import { requestIdentityFromHeaders } from '../contract/identity.ts';
import { DEFAULT_TOPICS, type Topics } from '../contract/topics.ts';
import type { CheckRequest, RequestIdentity } from '../domain/types.ts';
import { HttpError, sendError, toHttpError } from './http-error.ts';
import type { IngressMetrics } from './metrics.ts';
import { OrgRateLimiter } from './org-rate-limiter.ts';
import { publishWithTimeout, type Publish } from './publish.ts';
import { sourceIdFromBody, sourceIdFromPath } from './request-body.ts';

export const BASE_PATH = '/api/provisioning/v1/availability_status';
export const CHECK_PATH = `${BASE_PATH}/sources`;
export const RECHECK_PATH = `${BASE_PATH}/sources/:sourceId/recheck`;
export const OPENAPI_PATH = `${BASE_PATH}/openapi.json`;
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

export interface IngressOptions {
  publish: Publish;
  limits: IngressLimits;
  topics?: Readonly<Topics>;
  logger?: IngressLogger;
  /** readiness probe for GET /readyz (e.g. producer connected); default: always ready */
  ready?: () => boolean;
  /** Prometheus metrics (createIngressMetrics); none when left out */
  metrics?: IngressMetrics;
  /** monotonic milliseconds for the rate limiter; injectable for tests */
  now?: () => number;
  newRequestId?: () => string;
}

const silent: IngressLogger = { info: () => {}, warn: () => {}, error: () => {} };
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const openapi: unknown = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));

interface Locals {
  identity: RequestIdentity;
  requestId: string;
}

function locals(res: Response): Locals {
  return res.locals as Locals;
}

/**
 * Builds the Express app. `publish` is injected (embedded log or Kafka producer).
 * @example
 *   const app = createIngressApp({ publish, limits: config.ingress, topics: config.topics, logger });
 *   app.listen(config.http.port, config.http.host);
 */
export function createIngressApp(options: IngressOptions): Express {
  const { publish, limits } = options;
  const topics = options.topics ?? DEFAULT_TOPICS;
  const logger = options.logger ?? silent;
  const newRequestId = options.newRequestId ?? randomUUID;
  const ready = options.ready ?? (() => true);
  const limiter = new OrgRateLimiter({ ratePerSec: limits.orgRatePerSec, burst: limits.orgBurst, ...(options.now ? { now: options.now } : {}) });
  const jsonBody = express.json({ limit: limits.bodyLimitBytes, strict: true, type: 'application/json' });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const metrics = options.metrics;
  if (metrics) {
    const routeLabel = new Map<string, string>([
      [CHECK_PATH, 'check'], [RECHECK_PATH, 'recheck'], [OPENAPI_PATH, 'openapi'], ['/healthz', 'health'], ['/readyz', 'health'],
    ]);
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.on('finish', () => {
        // req.route is set once a route matched; bounded label values whatever the path was.
        const matched = (req.route as { path?: string } | undefined)?.path;
        metrics.requests.inc({ route: (matched && routeLabel.get(matched)) ?? 'unmatched', status: String(res.statusCode) });
      });
      next();
    });
  }

  // Identity first: an anonymous caller learns nothing else and its body is never read.
  function identify(req: Request, res: Response, next: NextFunction): void {
    const header = req.headers[INSIGHTS_REQUEST_ID_HEADER];
    locals(res).requestId = typeof header === 'string' && REQUEST_ID.test(header) ? header : newRequestId();
    locals(res).identity = requestIdentityFromHeaders(req.headers);
    next();
  }

  function rateLimit(_req: Request, res: Response, next: NextFunction): void {
    const { orgId, accountNumber } = locals(res).identity;
    const result = limiter.take(orgId !== '' ? `org:${orgId}` : `account:${accountNumber}`);
    if (!result.allowed) {
      throw new HttpError(429, `too many requests for this org; retry in ${result.retryAfterSeconds} s`, { 'Retry-After': String(result.retryAfterSeconds) });
    }
    next();
  }

  function requireJson(req: Request, _res: Response, next: NextFunction): void {
    const type = req.is('application/json');
    // type-is says null only without a Content-Length; an empty body with no type is the same case.
    const empty = type === null || (req.headers['content-length'] === '0' && req.headers['content-type'] === undefined);
    if (empty) throw new HttpError(400, 'request body is required: {"source_id":"…"}');
    if (type === false) throw new HttpError(415, `Content-Type must be application/json, got "${String(req.headers['content-type'] ?? '').slice(0, 80)}"`);
    next();
  }

  async function enqueue(res: Response, topic: string, sourceId: string, noCache: boolean): Promise<void> {
    const { identity, requestId } = locals(res);
    const request: CheckRequest = { sourceId, identity, noCache, requestId };
    const started = performance.now();
    const queue = noCache ? 'priority' : 'requests';
    try {
      await publishWithTimeout(publish, topic, encodeCheckRequest(request), limits.publishTimeoutMs);
    } catch (err) {
      metrics?.publishSeconds.observe({ queue, outcome: 'failed' }, (performance.now() - started) / 1000);
      logger.error({ err: (err as Error).cause ?? err, requestId, sourceId, topic }, 'check request not published');
      throw err;
    }
    const elapsedMs = performance.now() - started;
    metrics?.publishSeconds.observe({ queue, outcome: 'ok' }, elapsedMs / 1000);
    logger.info({ requestId, sourceId, orgId: identity.orgId, noCache, publishMs: Math.round(elapsedMs) }, 'check request queued');
    res.status(202).json({ request_id: requestId, source_id: sourceId });
  }

  app.post(CHECK_PATH, identify, rateLimit, requireJson, jsonBody, async (req: Request, res: Response) => {
    if ('no_cache' in req.query) {
      throw new HttpError(400, `no_cache is not accepted here: POST ${BASE_PATH}/sources/{source_id}/recheck asks for a no-cache check`);
    }
    await enqueue(res, topics.requests, sourceIdFromBody(req.body), false);
  });

  app.post(RECHECK_PATH, identify, rateLimit, async (req: Request, res: Response) => {
    await enqueue(res, topics.priority, sourceIdFromPath(String(req.params.sourceId)), true);
  });

  app.get(OPENAPI_PATH, (_req: Request, res: Response) => {
    res.json(openapi);
  });
  app.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req: Request, res: Response) => {
    if (ready()) res.json({ status: 'ready' });
    else sendError(res, new HttpError(503, 'not ready: the request topic cannot be written yet'));
  });

  // A known path with the wrong method says which methods it has.
  for (const [path, allow] of [[CHECK_PATH, 'POST'], [RECHECK_PATH, 'POST'], [OPENAPI_PATH, 'GET, HEAD'], ['/healthz', 'GET, HEAD'], ['/readyz', 'GET, HEAD']] as const) {
    app.all(path, (req: Request) => {
      throw new HttpError(405, `${req.method} is not allowed here; use ${allow}`, { Allow: allow });
    });
  }

  app.use((req: Request, res: Response) => {
    sendError(res, new HttpError(404, `no route for ${req.method} ${req.path.slice(0, 200)}`));
  });

  // Express 5 routes rejected promises here too, so no error escapes as a crash or a hang.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toHttpError(err);
    if (error.status >= 500) {
      if (error.status === 500) logger.error({ err, method: req.method, path: req.path }, 'unexpected error in the ingress');
    } else {
      logger.warn({ status: error.status, detail: error.message, requestId: (res.locals as Partial<Locals>).requestId }, 'check request refused');
    }
    sendError(res, error);
  });

  return app;
}
