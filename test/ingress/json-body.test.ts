import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../src/http/http-error.ts';
import { readJsonBody, readJsonBodyThen, requireJsonBody } from '../../src/ingress/json-body.ts';

function fakeRequest(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

function refused(fn: () => unknown, status: number, detail: RegExp): void {
  try { fn(); } catch (err) {
    assert.instance(err, HttpError);
    assert.is((err as HttpError).status, status);
    assert.match((err as Error).message, detail);
    return;
  }
  assert.unreachable(`expected ${status}`);
}

test('media type: JSON with or without a UTF-8 charset passes', () => {
  requireJsonBody(fakeRequest({ 'content-type': 'application/json', 'content-length': '2' }));
  requireJsonBody(fakeRequest({ 'content-type': 'Application/JSON; charset="UTF-8"', 'content-length': '2' }));
  requireJsonBody(fakeRequest({ 'content-type': 'application/json;charset=utf-8', 'content-encoding': 'identity' }));
});

test('media type: missing body 400, anything else 415', () => {
  refused(() => requireJsonBody(fakeRequest({})), 400, /body is required/);
  refused(() => requireJsonBody(fakeRequest({ 'content-length': '0' })), 400, /body is required/);
  refused(() => requireJsonBody(fakeRequest({ 'content-length': '5' })), 415, /got none/);
  refused(() => requireJsonBody(fakeRequest({ 'content-type': 'application/jsonx' })), 415, /application\/jsonx/);
  refused(() => requireJsonBody(fakeRequest({ 'content-type': 'text/json' })), 415, /text\/json/);
  refused(() => requireJsonBody(fakeRequest({ 'content-type': 'application/json; charset=utf-16' })), 415, /charset "utf-16"/);
  refused(() => requireJsonBody(fakeRequest({ 'content-type': 'application/json', 'content-encoding': 'gzip' })), 415, /encoding "gzip"/);
});

/** Sends `chunks` as a chunked body to a server that runs readJsonBody, returns its verdict. */
async function roundTrip(chunks: string[], limit: number): Promise<string> {
  const server = createServer((req, res) => {
    readJsonBody(req, limit).then(
      (value) => res.end(`ok ${JSON.stringify(value)}`),
      (err: HttpError) => { res.setHeader('Connection', 'close'); res.end(`${err.status} ${err.message}`); },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/' }, (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      for (const chunk of chunks) req.write(chunk);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

test('reads a chunked body in pieces', async () => {
  assert.is(await roundTrip(['{"source', '_id":"1"}'], 100), 'ok {"source_id":"1"}');
});

test('a chunked body past the limit is 413 without buffering the rest', async () => {
  assert.is(await roundTrip(['{"pad":"', 'x'.repeat(60), 'x'.repeat(60), '"}'], 100), '413 request body is larger than 100 bytes');
});

test('a declared Content-Length past the limit is refused before reading', async () => {
  const req = fakeRequest({ 'content-length': '101' });
  await readJsonBody(req, 100).then(
    () => assert.unreachable('read it'),
    (err: HttpError) => assert.is(err.status, 413),
  );
});

test('empty and malformed bodies are 400', async () => {
  assert.is(await roundTrip([], 100), '400 request body is required: {"source_id":"…"}');
  assert.is(await roundTrip(['{"a":'], 100), '400 request body is not valid JSON');
});

test('readJsonBodyThen: told once; a declared Content-Length past the limit before it returns', () => {
  const told: Array<number | undefined> = [];
  readJsonBodyThen(fakeRequest({ 'content-length': '101' }), 100, (error) => { told.push(error?.status); });
  assert.equal(told, [413]);
});

test('a client that goes away mid-body gets a 400 verdict, once, and nothing hangs', async () => {
  const verdicts: string[] = [];
  let arrived!: () => void;
  const seen = new Promise<void>((resolve) => { arrived = resolve; });
  const server = createServer((req) => {
    readJsonBodyThen(req, 100, (error, body) => { verdicts.push(error ? `${error.status} ${error.message}` : `ok ${JSON.stringify(body)}`); });
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\n\r\n{"source');
    await seen;
    socket.destroy();
    for (let i = 0; i < 50 && verdicts.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(verdicts, ['400 request aborted by the client']);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a body in several chunks past the limit: one 413, the rest drained', async () => {
  assert.is(await roundTrip(['{"pad":"', 'x'.repeat(60), 'x'.repeat(60), 'x'.repeat(60), '"}'], 100), '413 request body is larger than 100 bytes');
  assert.is(await roundTrip(['   '], 100), '400 request body is required: {"source_id":"…"}');
  assert.is(await roundTrip(['{"source_id":', '"1"', '}'], 100), 'ok {"source_id":"1"}');
});

test.run();
