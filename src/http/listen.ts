// The one place where an HTTP port is opened, for the ingress and for the metrics server alike:
// what Node does below Express. Timeouts that fit Sources (it gives up after 10 s, so a request
// still arriving after that only holds a socket; Node's defaults, 5 min, would let slow clients
// pile up), answers in the JSON error shape for bytes that are not HTTP (client-errors.ts), and a
// stop that keeps its promise under keep-alive traffic: Node's server.close() only stops
// listening and drops idle sockets, so a client that keeps its connection busy would go on being
// served. Here close() stops listening at once, answers any further request on an open connection
// with 503 and Connection: close, lets the answers in flight finish, and cuts every connection
// left when its grace period ends.
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { answerClientError } from './client-errors.ts';
import { HttpError, writeError } from './http-error.ts';

export interface ListeningServer {
  server: Server;
  /** the bound port (useful with port 0) */
  port: number;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** true from the first close() on */
  readonly closing: boolean;
  /**
   * Stops accepting at once (new connections and new requests on open ones, which get 503 with
   * Connection: close), lets the answers in flight finish for at most `graceMs` (default: the
   * request timeout), then closes every connection left; resolves when all are closed. Idempotent.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** whole request, headers and body; default 10 s (Sources' own timeout) */
  requestTimeoutMs?: number;
  /** who is stopping, for the 503 while closing; default "the server" */
  name?: string;
}

// How often a closing server looks for connections that went idle after their last answer.
const IDLE_SWEEP_MS = 20;

type HttpSocket = Socket & { _httpMessage?: ServerResponse | null };

/**
 * Starts an HTTP server for `listener` (an Express app).
 * @example const ingress = await listenHttp(createIngress(options), { host: config.http.host, port: config.http.port, name: 'the ingress' });
 */
export async function listenHttp(listener: RequestListener, options: ListenOptions): Promise<ListeningServer> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const stopping = new HttpError(503, `${options.name ?? 'the server'} is stopping; send the request again (another instance takes it)`, { Connection: 'close', 'Retry-After': '1' });
  let closing = false;
  const server = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(requestTimeoutMs, 5_000),
    keepAliveTimeout: 5_000,
    // how often Node looks for requests past those timeouts (its default is every 30 s)
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  }, (req, res) => {
    if (closing) writeError(res, stopping);
    else listener(req, res);
  });
  server.on('clientError', answerClientError);
  const sockets = new Set<HttpSocket>();
  server.on('connection', (socket: HttpSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closed: Promise<void> | undefined;

  function close(graceMs: number): Promise<void> {
    closing = true;
    return new Promise<void>((resolve) => {
      server.close(() => resolve());
      // An answer not yet begun says Connection: close; one being written closes its connection
      // when it is done (the sweep below); idle connections close now.
      for (const socket of sockets) {
        const inFlight = socket._httpMessage;
        if (inFlight && !inFlight.headersSent) inFlight.shouldKeepAlive = false;
      }
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      const cut = setTimeout(() => server.closeAllConnections(), graceMs);
      server.once('close', () => { clearInterval(sweep); clearTimeout(cut); });
    });
  }

  return {
    server,
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    get closing() { return closing; },
    close: (graceMs = requestTimeoutMs) => {
      closed ??= close(graceMs);
      return closed;
    },
  };
}
