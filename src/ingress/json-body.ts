// Reads a small JSON request body straight from the socket. The check route is the ingress's hot
// path, and body-parser's generality (charsets, inflation, verify hooks) costs more than the
// whole check; this does only what README: The Sources contract §1 needs, with the same limits and errors.
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/http-error.ts';

const COMMON_JSON_TYPES = new Set<string | undefined>(['application/json', 'application/json;charset=utf-8', 'application/json; charset=utf-8', 'application/json;charset=UTF-8', 'application/json; charset=UTF-8']);

/** Checks the media type without reading: 400 when there is no body, 415 when it is not UTF-8 JSON. */
export function requireJsonBody(req: IncomingMessage): void {
  const contentType = req.headers['content-type'];
  // What Sources and common clients send, settled without splitting the header.
  if (COMMON_JSON_TYPES.has(contentType) && req.headers['content-encoding'] === undefined) return;
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (contentType === undefined) {
    if (!hasBody) throw new HttpError(400, 'request body is required: {"source_id":"…"}');
    throw new HttpError(415, 'Content-Type must be application/json, got none');
  }
  const [mediaType = '', ...params] = contentType.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') {
    throw new HttpError(415, `Content-Type must be application/json, got "${contentType.slice(0, 80)}"`);
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (name.trim().toLowerCase() === 'charset' && charset !== 'utf-8' && charset !== 'utf8') {
      throw new HttpError(415, `unsupported charset "${charset.slice(0, 40)}": send UTF-8`);
    }
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new HttpError(415, `unsupported content encoding "${encoding.slice(0, 40)}"`);
  }
}

/** Told once: the parsed body, or the HttpError that refuses it. */
export type JsonBodyCallback = (error: HttpError | undefined, body?: unknown) => void;

/**
 * Reads and parses the body: 413 past `limitBytes` (from Content-Length before reading, or while
 * reading a chunked body), 400 when it is empty or not JSON. Rejects if the client goes away.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    readJsonBodyThen(req, limitBytes, (error, body) => (error === undefined ? resolve(body) : reject(error)));
  });
}

/**
 * readJsonBody with a callback, for the hot path: chunks are collected synchronously on 'data'
 * and parsed once on 'end', with no promise and no closure per request (the stream's listeners
 * are shared functions that find their reader on the request). `callback` may run before this
 * returns (a declared Content-Length past the limit).
 */
export function readJsonBodyThen(req: IncomingMessage, limitBytes: number, callback: JsonBodyCallback): void {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) {
    callback(tooLarge(limitBytes));
    return;
  }
  (req as ReadingRequest)[READER] = new BodyReader(limitBytes, callback);
  req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
}

/**
 * Reads a body nobody needs to its end and drops it, then calls back once: undefined when the
 * request ended, an HttpError when the client went away first. A route that needs no body still
 * waits for the request's end, so that bytes following it are parsed before anything is queued.
 */
export function readToEndThen(req: IncomingMessage, callback: (error: HttpError | undefined) => void): void {
  (req as ReadingRequest)[READER] = new BodyReader(Infinity, callback, false);
  req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
}

const READER = Symbol('json body reader');
type ReadingRequest = IncomingMessage & { [READER]: BodyReader };

class BodyReader {
  readonly limitBytes: number;
  /** false: the bytes are counted and dropped, and the callback gets no body */
  readonly keep: boolean;
  callback: JsonBodyCallback | undefined;
  first: Buffer | undefined = undefined;
  more: Buffer[] | undefined = undefined;
  size = 0;

  constructor(limitBytes: number, callback: JsonBodyCallback, keep = true) {
    this.limitBytes = limitBytes;
    this.callback = callback;
    this.keep = keep;
  }

  /** Calls the callback unless it already ran; the listeners stay attached and do nothing after. */
  settle(error: HttpError | undefined, body?: unknown): void {
    const callback = this.callback;
    if (callback === undefined) return;
    this.callback = undefined;
    this.first = undefined;
    this.more = undefined;
    callback(error, body);
  }

  text(): string {
    if (this.first === undefined) return '';
    if (this.more === undefined) return this.first.toString('utf8');
    return Buffer.concat([this.first, ...this.more]).toString('utf8');
  }
}

function onData(this: IncomingMessage, chunk: Buffer): void {
  const reader = (this as ReadingRequest)[READER];
  if (reader.callback === undefined) return; // settled: a refused body keeps draining
  reader.size += chunk.length;
  // The 'data' listener stays, so the stream keeps flowing and the socket can carry the 413;
  // the answer says Connection: close.
  if (reader.size > reader.limitBytes) reader.settle(tooLarge(reader.limitBytes));
  else if (!reader.keep) return;
  else if (reader.first === undefined) reader.first = chunk;
  else (reader.more ??= []).push(chunk);
}

function onEnd(this: IncomingMessage): void {
  const reader = (this as ReadingRequest)[READER];
  if (reader.callback === undefined) return;
  if (!reader.keep) {
    reader.settle(undefined);
    return;
  }
  const text = reader.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Whitespace alone never parses, so emptiness needs looking at only here.
    reader.settle(new HttpError(400, text.trim() === '' ? 'request body is required: {"source_id":"…"}' : 'request body is not valid JSON'));
    return;
  }
  reader.settle(undefined, body);
}

// 'close' follows every request, also a fully read one: only an unsettled reader pays for an error.
function onError(this: IncomingMessage, err: Error): void {
  const reader = (this as ReadingRequest)[READER];
  if (reader.callback !== undefined) reader.settle(new HttpError(400, 'request aborted by the client', {}, { cause: err }));
}

function onClose(this: IncomingMessage): void {
  const reader = (this as ReadingRequest)[READER];
  if (reader.callback !== undefined) reader.settle(new HttpError(400, 'request aborted by the client'));
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `request body is larger than ${limitBytes} bytes`, { Connection: 'close' });
}
