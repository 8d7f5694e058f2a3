// What the server answers when a connection stops being HTTP: bytes the parser refuses (a bad
// header byte, conflicting Content-Length and Transfer-Encoding, headers past 16 KB, a body sent
// without Content-Length, whose bytes are read as a second request) or a client too slow to
// finish. Node's own answer is a bare 400/408/431 without a body; ours is the JSON error shape.
//
// Such a connection is marked broken, and the check routes look at the mark before publishing:
// a request whose connection broke while it was being read queues nothing. A request that was
// read whole before the bad bytes arrived keeps its answer (which then says Connection: close),
// so a caller is never told "failed" about a check that was queued, nor the other way round.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './http-error.ts';

const BROKEN = Symbol('connection broke');
type MarkedSocket = Duplex & { [BROKEN]?: true; _httpMessage?: ServerResponse | null };

/** True once the request's connection carried bytes that are not HTTP, timed out, or closed. */
export function connectionBroken(req: IncomingMessage): boolean {
  const socket = req.socket as MarkedSocket | null;
  return socket === null || socket[BROKEN] === true || socket.destroyed;
}

/** Status and detail for a parser or timeout error (Node's error codes). */
export function clientErrorAnswer(err: NodeJS.ErrnoException & { reason?: unknown }): { status: number; detail: string } {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'request headers are too large (16 KB at most)' };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, detail: 'chunk extensions are too large' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: 'the request did not arrive in time' };
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_INVALID_TRANSFER_ENCODING':
      return { status: 400, detail: 'malformed request: conflicting or invalid Content-Length / Transfer-Encoding' };
    default: {
      const reason = typeof err.reason === 'string' ? `: ${err.reason.slice(0, 80)}` : '';
      return { status: 400, detail: `malformed request${reason} (a body sent without Content-Length reads as a second request)` };
    }
  }
}

/** A whole HTTP/1.1 answer in the JSON error shape that closes the connection. */
function rawErrorAnswer(status: number, detail: string): string {
  const body = JSON.stringify(errorBody(status, detail));
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * The server's 'clientError' listener.
 * @example server.on('clientError', answerClientError)
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const marked = socket as MarkedSocket;
  const first = marked[BROKEN] !== true;
  marked[BROKEN] = true;
  if (!first) return;
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const inFlight = marked._httpMessage ?? undefined;
  if (inFlight !== undefined && (inFlight.req as IncomingMessage | undefined)?.complete === true) {
    // The request before the bad bytes was read whole: its own answer goes out first (the
    // route sees the mark and queues nothing if it had not yet published), and the connection
    // closes after it.
    if (!inFlight.headersSent) inFlight.shouldKeepAlive = false;
    inFlight.once('close', () => socket.destroy());
    return;
  }
  if (inFlight !== undefined && inFlight.headersSent) {
    // part of an answer is already on the wire: nothing more can be added to it
    socket.destroy();
    return;
  }
  const { status, detail } = clientErrorAnswer(err);
  socket.end(rawErrorAnswer(status, detail), () => socket.destroy());
}
