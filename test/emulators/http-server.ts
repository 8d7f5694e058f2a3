// Start an HTTP or HTTPS server on 127.0.0.1 with an ephemeral port, for the emulators.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

export interface RunningServer {
  url: string;
  port: number;
  /** requests the client gave up on (closed) before the response was complete: proof of real cancellation */
  abandoned: { count: number };
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** PEM key and certificate: serve HTTPS */
  tls?: { key: string; cert: string };
  port?: number;
}

export async function startServer(handler: Handler, options: ServerOptions = {}): Promise<RunningServer> {
  const abandoned = { count: 0 };
  const listener: http.RequestListener = (req, res) => {
    res.on('close', () => { if (!res.writableFinished) abandoned.count++; });
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      // An emulator bug must show up as a 500 with the message, never as a hung request.
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`emulator error: ${(err as Error).stack ?? String(err)}`);
    });
  };
  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, listener) : http.createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    abandoned,
    stop: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: http.ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
