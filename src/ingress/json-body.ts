// Reads a small JSON request body straight from the socket. The check route is the ingress's hot
// path, and body-parser's generality (charsets, inflation, verify hooks) costs more than the
// whole check; this does only what CONTRACT.md §1 needs, with the same limits and errors.
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/** Checks the media type without reading: 400 when there is no body, 415 when it is not UTF-8 JSON. */
export function requireJsonBody(req: IncomingMessage): void {
  const contentType = req.headers['content-type'];
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

/**
 * Reads and parses the body: 413 past `limitBytes` (from Content-Length before reading, or while
 * reading a chunked body), 400 when it is empty or not JSON. Rejects if the client goes away.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) return Promise.reject(tooLarge(limitBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      fn();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        // Keep draining so the socket can carry the 413; the answer says Connection: close.
        settle(() => reject(tooLarge(limitBytes)));
        req.resume();
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(() => {
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        reject(new HttpError(400, 'request body is required: {"source_id":"…"}'));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'request body is not valid JSON'));
      }
    });
    const onError = (err: Error) => settle(() => reject(new HttpError(400, 'request aborted by the client', {}, { cause: err })));
    const onClose = () => settle(() => reject(new HttpError(400, 'request aborted by the client')));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

function tooLarge(limitBytes: number): HttpError {
  return new HttpError(413, `request body is larger than ${limitBytes} bytes`, { Connection: 'close' });
}
