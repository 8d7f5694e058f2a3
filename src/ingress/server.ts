// Listening with timeouts that fit Sources: it gives up after 10 s, so a request that is still
// arriving after that is only holding a socket. Node's defaults (5 min) would let slow clients pile up.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-errors.ts';

export interface ListeningIngress {
  server: Server;
  /** the bound port (useful with port 0) */
  port: number;
  /** e.g. http://127.0.0.1:8000 */
  url: string;
  /** stops accepting, lets in-flight requests finish, drops idle keep-alive sockets; idempotent */
  close(): Promise<void>;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** whole request, headers and body; default 10 s (Sources' own timeout) */
  requestTimeoutMs?: number;
}

/**
 * Starts the HTTP server for `listener` (createIngress(...).listener, or any Express app).
 * @example const ingress = await listenIngress(createIngress(options).listener, { host: config.http.host, port: config.http.port });
 */
export async function listenIngress(listener: RequestListener, options: ListenOptions): Promise<ListeningIngress> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const server = createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(requestTimeoutMs, 5_000),
    keepAliveTimeout: 5_000,
    // how often Node looks for requests past those timeouts (its default is every 30 s)
    connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs),
  }, listener);
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    server,
    port,
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
