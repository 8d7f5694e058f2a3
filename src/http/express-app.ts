// One Express app per port (the ingress, the metrics server), set up alike: no X-Powered-By and
// no ETag; a known path asked with another method is a 405 naming the methods it has; an unknown
// path is a 404; and whatever a route throws or rejects with is answered in the JSON error shape.
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { HttpError, toHttpError, writeError } from './http-error.ts';

export interface AppEnding {
  /** every path the app serves (an Express path or a RegExp) and the methods it answers, e.g. 'GET, HEAD' */
  allow: ReadonlyArray<readonly [path: string | RegExp, methods: string]>;
  /** the detail of the 404 */
  notFound(req: Request): string;
  /** told about each unexpected error (the answer is a 500 without detail) */
  onUnexpected?(err: unknown, req: Request): void;
}

/** A new Express app with the project's settings; add routes, then endApp(). */
export function createApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

/**
 * Adds the 405s, the 404 and the error handler; call it after the last route.
 * @example endApp(app, { allow: [['/healthz', 'GET, HEAD']], notFound: (req) => `no route for ${req.method} ${req.path}` })
 */
export function endApp(app: Express, ending: AppEnding): void {
  for (const [path, methods] of ending.allow) {
    app.all(path, (req: Request) => {
      throw new HttpError(405, `${req.method} is not allowed here; use ${methods}`, { Allow: methods });
    });
  }
  app.use((req: Request, res: Response) => writeError(res, new HttpError(404, ending.notFound(req))));
  // Express 5 routes rejected promises here too, so no error escapes as a crash or a hang.
  app.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err); // Express ends the connection: part of an answer is already on the wire
      return;
    }
    const error = toHttpError(err);
    try {
      if (error.status === 500) ending.onUnexpected?.(err, req);
    } finally {
      writeError(res, error);
    }
  });
}
