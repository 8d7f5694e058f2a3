// The worker's own HTTP server on METRICS_PORT: GET /metrics (Prometheus text format), GET
// /healthz (liveness) and /readyz (readiness) as JSON, plus any extra GET routes (the live
// topology page). An Express app of its own, listened on like the ingress (src/http).
import type { RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import { createApp, endApp } from '../http/express-app.ts';
import { writeJson } from '../http/http-error.ts';
import { listenHttp, type ListeningServer } from '../http/listen.ts';

/** One probe's answer: `ok` decides 200 or 503, the rest is shown to whoever asks. */
export interface ProbeResult {
  ok: boolean;
  status: string;
  reason?: string;
  [detail: string]: unknown;
}

export type Probe = () => ProbeResult;

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port */
  port: number;
  registry: Registry;
  live: Probe;
  ready: Probe;
  /** more GET routes by exact path */
  routes?: Readonly<Record<string, RequestHandler>>;
}

const NO_STORE = { 'Cache-Control': 'no-store' };

function probe(res: Response, check: Probe): void {
  let result: ProbeResult;
  try {
    result = check();
  } catch (error) {
    result = { ok: false, status: 'probe failed', reason: error instanceof Error ? error.message : String(error) };
  }
  writeJson(res, result.ok ? 200 : 503, result, NO_STORE);
}

/**
 * @example
 *   const server = await listenMetricsServer({ host: '0.0.0.0', port: 9000, registry, live, ready });
 *   await fetch(`${server.url}/metrics`);
 */
export async function listenMetricsServer(options: MetricsServerOptions): Promise<ListeningServer> {
  const { registry } = options;
  const routes: Record<string, RequestHandler> = {
    ...options.routes,
    '/metrics': async (_req, res) => {
      const text = await registry.metrics();
      res.writeHead(200, { 'Content-Type': registry.contentType });
      res.end(text);
    },
    '/healthz': (_req, res) => probe(res, options.live),
    '/readyz': (_req, res) => probe(res, options.ready),
  };
  const app = createApp();
  for (const [path, route] of Object.entries(routes)) app.get(path, route);
  const extra = options.routes ? `, ${Object.keys(options.routes).join(', ')}` : '';
  endApp(app, {
    allow: Object.keys(routes).map((path) => [path, 'GET, HEAD'] as const),
    notFound: (req) => `no route ${req.path.slice(0, 200)}; try /metrics, /healthz, /readyz${extra}`,
  });
  return listenHttp(app, { host: options.host, port: options.port, name: 'the metrics server' });
}
