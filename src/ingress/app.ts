// The ingress: Sources' availability-check POST → one record on the request topic, answered 202
// in milliseconds; a user's recheck → the priority topic. No cloud work happens here.
//
// Two entry points share one set of routes (check-routes.ts): the Express app, which serves
// everything, and `listener`, a node:http request listener that sends the two POST routes
// straight to those routes and the rest to Express. Express's per-request machinery costs several
// times what a whole check costs, and the design asks the ingress for at least half the
// throughput of a bare node:http server; the tests run the same suite against both entry points.
import type { RequestListener } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { readFileSync } from 'node:fs';
import {
  BASE_PATH,
  CHECK_PATH,
  createCheckRoutes,
  RECHECK_PATH,
  type CheckRoutesOptions,
} from './check-routes.ts';
import { HttpError, toHttpError, writeError, writeJson } from '../http/http-error.ts';

export { BASE_PATH, CHECK_PATH, INSIGHTS_REQUEST_ID_HEADER, RECHECK_PATH, type IngressLimits, type IngressLogger } from './check-routes.ts';
export const OPENAPI_PATH = `${BASE_PATH}/openapi.json`;

export interface IngressOptions extends CheckRoutesOptions {
  /** readiness probe for GET /readyz (e.g. producer connected); default: always ready */
  ready?: () => boolean;
}

export interface Ingress {
  /** the whole ingress as an Express app (supertest, embedding under another app) */
  app: Express;
  /** the same ingress for http.createServer, with the check routes on the fast path */
  listener: RequestListener;
}

const openapi: unknown = JSON.parse(readFileSync(new URL('./openapi.json', import.meta.url), 'utf8'));

/**
 * Builds the ingress. `publish` is injected (embedded log or Kafka producer).
 * @example
 *   const { listener } = createIngress({ publish, limits: config.ingress, topics: config.topics, logger });
 *   await listenHttp(listener, { host: config.http.host, port: config.http.port });
 */
export function createIngress(options: IngressOptions): Ingress {
  const routes = createCheckRoutes(options);
  const ready = options.ready ?? (() => true);
  const { metrics, logger } = options;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  if (metrics) {
    // The check routes count themselves (they also run outside Express).
    const routeLabel = new Map<string, string>([[OPENAPI_PATH, 'openapi'], ['/healthz', 'health'], ['/readyz', 'health']]);
    const selfCounting = new Set<string>([CHECK_PATH, RECHECK_PATH]);
    app.use((req: Request, res: Response, next: NextFunction) => {
      res.on('finish', () => {
        // req.route is set once a route matched; label values stay bounded whatever the path was.
        const matched = (req.route as { path?: string } | undefined)?.path;
        if (matched && selfCounting.has(matched) && req.method === 'POST') return;
        metrics.requests.inc({ route: (matched && routeLabel.get(matched)) ?? 'unmatched', status: String(res.statusCode) });
      });
      next();
    });
  }

  app.post(CHECK_PATH, (req: Request, res: Response) => routes.handle('check', req, res));
  app.post(RECHECK_PATH, (req: Request, res: Response) => {
    // The raw segment: check-routes decodes it itself, as on the fast path.
    const raw = routes.match(req.originalUrl)?.sourceIdSegment ?? String(req.params.sourceId);
    return routes.handle('recheck', req, res, raw);
  });
  app.get(OPENAPI_PATH, (_req: Request, res: Response) => writeJson(res, 200, openapi));
  app.get('/healthz', (_req: Request, res: Response) => writeJson(res, 200, { status: 'ok' }));
  app.get('/readyz', (_req: Request, res: Response) => {
    if (ready()) writeJson(res, 200, { status: 'ready' });
    else writeError(res, new HttpError(503, 'not ready: the request topic cannot be written yet'));
  });

  // A known path with the wrong method says which methods it has.
  for (const [path, allow] of [[CHECK_PATH, 'POST'], [RECHECK_PATH, 'POST'], [OPENAPI_PATH, 'GET, HEAD'], ['/healthz', 'GET, HEAD'], ['/readyz', 'GET, HEAD']] as const) {
    app.all(path, (req: Request) => {
      throw new HttpError(405, `${req.method} is not allowed here; use ${allow}`, { Allow: allow });
    });
  }

  app.use((req: Request, res: Response) => {
    writeError(res, new HttpError(404, `no route for ${req.method} ${req.path.slice(0, 200)}`));
  });

  // Express 5 routes rejected promises here too, so no error escapes as a crash or a hang.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const error = toHttpError(err);
    if (error.status === 500) logger?.error({ err, method: req.method, path: req.path }, 'unexpected error in the ingress');
    writeError(res, error);
  });

  const listener: RequestListener = (req, res) => {
    if (req.method === 'POST') {
      const match = routes.match(req.url ?? '');
      if (match) {
        // serve() answers every outcome itself, a throwing logger included; this catch only guards
        // against a throwing request id generator (Express answers that one with a 500).
        try {
          routes.serve(match.route, req, res, match.sourceIdSegment);
        } catch {
          res.destroy();
        }
        return;
      }
    }
    app(req, res);
  };

  return { app, listener };
}

/**
 * The ingress as an Express app (all routes through Express).
 * @example const app = createIngressApp({ publish, limits: config.ingress }); await request(app).get('/healthz')
 */
export function createIngressApp(options: IngressOptions): Express {
  return createIngress(options).app;
}
