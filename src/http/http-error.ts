// Errors as Sources shapes them: {"errors":[{"status":"400","detail":"…"}]}, one place for the
// shape and for mapping whatever was thrown (ours, body-parser's, Express's) onto a status.
import type { ServerResponse } from 'node:http';
import { ContractError } from '../contract/errors.ts';

/** An HTTP answer other than success, with optional extra headers (e.g. Retry-After). */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, headers: Record<string, string> = {}, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

/** The JSON error body Sources uses. */
export function errorBody(status: number, detail: string): { errors: Array<{ status: string; detail: string }> } {
  return { errors: [{ status: String(status), detail }] };
}

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
  limit?: number;
  charset?: string;
  encoding?: string;
}

/**
 * Maps anything thrown while handling a request to a status, a detail safe to show, and headers.
 * Unknown errors become 500 without detail: their text may hold internals.
 */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof ContractError) return new HttpError(err.status, err.message);
  const e = (typeof err === 'object' && err !== null ? err : {}) as BodyParserError;
  switch (e.type) {
    case 'entity.too.large':
      return new HttpError(413, `request body is larger than ${e.limit ?? 'the limit of'} bytes`);
    case 'entity.parse.failed':
      return new HttpError(400, 'request body is not valid JSON');
    case 'charset.unsupported':
      return new HttpError(415, `unsupported charset "${String(e.charset).slice(0, 40)}": send UTF-8`);
    case 'encoding.unsupported':
      return new HttpError(415, `unsupported content encoding "${String(e.encoding).slice(0, 40)}"`);
    case 'request.aborted':
      return new HttpError(400, 'request aborted by the client');
    default:
      break;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new HttpError(e.status, e.expose && err instanceof Error ? err.message : 'bad request');
  }
  return new HttpError(500, 'internal error');
}

/** Writes a JSON answer on a plain node:http response (also what Express's res is). */
export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Writes `error` in Sources' error shape, with its headers (e.g. Retry-After). */
export function writeError(res: ServerResponse, error: HttpError): void {
  writeJson(res, error.status, errorBody(error.status, error.message), error.headers);
}
