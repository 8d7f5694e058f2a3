// The worker's own HTTP server on METRICS_PORT: GET /metrics (Prometheus text format), GET
// /healthz (liveness) and /readyz (readiness) as JSON, plus any extra GET routes (the live
// topology page). Plain node:http: it serves a handful of scrapes a minute, next to a hot path.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** One probe's answer: `ok` decides 200 or 503, the rest is shown to whoever asks. */
export interface ProbeResult {
  ok: boolean;
  status: string;
  reason?: string;
  [detail: string]: unknown;
}

export type Probe = () => ProbeResult;
export type MetricsRoute = (req: IncomingMessage, res: ServerResponse) => void;

export interface MetricsServerOptions {
  host: string;
  /** 0: any free port */
  port: number;
  registry: Registry;
  live: Probe;
  ready: Probe;
  /** more GET routes by exact path */
  routes?: Readonly<Record<string, MetricsRoute>>;
}

export interface ListeningMetricsServer {
  /** http://host:port */
  url: string;
  port: number;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function probe(res: ServerResponse, check: Probe): void {
  let result: ProbeResult;
  try {
    result = check();
  } catch (error) {
    result = { ok: false, status: 'probe failed', reason: error instanceof Error ? error.message : String(error) };
  }
  json(res, result.ok ? 200 : 503, result);
}

/**
 * @example
 *   const server = await listenMetricsServer({ host: '0.0.0.0', port: 9000, registry, live, ready });
 *   await fetch(`${server.url}/metrics`);
 */
export async function listenMetricsServer(options: MetricsServerOptions): Promise<ListeningMetricsServer> {
  const { registry } = options;
  const routes: Record<string, MetricsRoute> = {
    ...options.routes,
    '/metrics': (_req, res) => {
      registry.metrics().then(
        (text) => { res.writeHead(200, { 'content-type': registry.contentType }); res.end(text); },
        (error: unknown) => json(res, 500, { errors: [{ status: '500', detail: `metrics collection failed: ${error instanceof Error ? error.message : String(error)}` }] }),
      );
    },
    '/healthz': (_req, res) => probe(res, options.live),
    '/readyz': (_req, res) => probe(res, options.ready),
  };
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const route = routes[path];
    if (!route) return json(res, 404, { errors: [{ status: '404', detail: `no route ${path}; try /metrics, /healthz, /readyz${options.routes ? `, ${Object.keys(options.routes).join(', ')}` : ''}` }] });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return json(res, 405, { errors: [{ status: '405', detail: `${req.method} is not allowed on ${path}` }] });
    }
    try {
      route(req, res);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { errors: [{ status: '500', detail: error instanceof Error ? error.message : String(error) }] });
      else res.destroy();
    }
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    }),
  };
}
