// Requests that stop being HTTP, over a real socket: every answer is the JSON error shape with
// the right status, and a check is queued only when its request was read whole and answered 202.
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIngress } from '../../src/ingress/app.ts';
import { listenHttp, type ListeningServer } from '../../src/http/listen.ts';
import type { KafkaRecord } from '../../src/contract/record.ts';

const BASE = '/api/provisioning/v1/availability_status/sources';
const IDENTITY = Buffer.from('{"identity":{"account_number":"0001","org_id":"000001","type":"System"}}').toString('base64');
const published: KafkaRecord[] = [];
let ingress: ListeningServer;

test.before(async () => {
  const { listener } = createIngress({
    publish: async (_topic, record) => { published.push(record); },
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 1000, orgBurst: 1000, publishTimeoutMs: 500 },
  });
  ingress = await listenHttp(listener, { host: '127.0.0.1', port: 0, requestTimeoutMs: 400 });
});

test.after(async () => {
  await ingress.close();
});

test.before.each(() => {
  published.length = 0;
});

interface Answer { status: number; headers: string; body: string }

/** Writes `parts` (waiting `gapMs` between them) and reads until the server closes; parses every answer. */
function converse(parts: string[], gapMs = 0): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(ingress.port, '127.0.0.1', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
        if (!socket.destroyed) socket.write(part);
      }
    });
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('the server did not close the connection within 5 s')); }, 5000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswers(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

function parseAnswers(text: string): Answer[] {
  const answers: Answer[] = [];
  let rest = text;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    const headers = rest.slice(0, end);
    const length = Number(/content-length: (\d+)/i.exec(headers)?.[1] ?? 0);
    answers.push({ status: Number(headers.slice(9, 12)), headers, body: rest.slice(end + 4, end + 4 + length) });
    rest = rest.slice(end + 4 + length);
  }
  assert.is(rest, '', 'nothing but whole answers on the wire');
  return answers;
}

function assertJsonError(answer: Answer | undefined, status: number): void {
  assert.ok(answer, 'an answer');
  assert.is(answer.status, status, answer.body);
  assert.match(answer.headers, /content-type: application\/json/i);
  const body = JSON.parse(answer.body) as { errors: Array<{ status: string; detail: string }> };
  assert.equal(Object.keys(body), ['errors']);
  assert.is(body.errors.length, 1);
  assert.is(body.errors[0]!.status, String(status));
  assert.type(body.errors[0]!.detail, 'string');
}

const recheckHead = `POST ${BASE}/1002/recheck HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${IDENTITY}\r\n`;

test('a recheck with a body but no Content-Length (one write): a JSON 400, nothing queued, the connection closes', async () => {
  const answers = await converse([`${recheckHead}Content-Type: application/json\r\n\r\n{"source_id":"1002"}`]);
  assert.is(answers.length, 1);
  assertJsonError(answers[0], 400);
  assert.match(answers[0]!.headers, /connection: close/i);
  assert.is(published.length, 0);
});

test('the bytes arriving after the recheck was answered: 202 for the recheck, queued once, then a JSON 400', async () => {
  const answers = await converse([`${recheckHead}\r\n`, '{"source_id":"1002"}'], 150);
  assert.is(answers[0]?.status, 202);
  assert.is(published.length, 1);
  assert.ok(answers.length <= 2);
  if (answers[1]) assertJsonError(answers[1], 400);
});

test('a check followed by bytes that are not HTTP in the same write: refused, nothing queued', async () => {
  const body = '{"source_id":"1001"}';
  const answers = await converse([`POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${IDENTITY}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}garbage\r\n\r\n`]);
  assert.is(answers.length, 1);
  assertJsonError(answers[0], 400);
  assert.is(published.length, 0);
});

test('a chunked check is read whole and queued once', async () => {
  const body = '{"source_id":"1001"}';
  const answers = await converse([
    `POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${IDENTITY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`,
    `${body.length.toString(16)}\r\n${body}\r\n`, '0\r\n\r\n',
  ], 30);
  assert.is(answers.length, 1);
  assert.is(answers[0]!.status, 202);
  assert.is(published.length, 1);
});

test('a broken chunk: a JSON 400, nothing queued', async () => {
  const answers = await converse([
    `POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${IDENTITY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    'zz\r\n{"source_id":"1001"}\r\n0\r\n\r\n',
  ], 30);
  assert.is(answers.length, 1);
  assertJsonError(answers[0], 400);
  assert.is(published.length, 0);
});

for (const [name, request, status] of [
  ['a bad byte in a header value', `POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-rh-identity: a\x01b\r\n\r\n`, 400],
  ['two different Content-Lengths', `POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef`, 400],
  ['Content-Length with Transfer-Encoding: chunked', `POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400],
  ['headers past 16 KB', `POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-filler: ${'a'.repeat(17_000)}\r\n\r\n`, 431],
  ['not HTTP at all', 'hello there\r\n\r\n', 400],
] as const) {
  test(`${name} → ${status} in the JSON error shape, nothing queued`, async () => {
    const answers = await converse([request]);
    assert.is(answers.length, 1);
    assertJsonError(answers[0], status);
    assert.is(published.length, 0);
  });
}

test('a client that never finishes its headers → 408 in the JSON error shape', async () => {
  const answers = await converse([`POST ${BASE} HTTP/1.1\r\nHost: x\r\nContent-Le`]);
  assert.is(answers.length, 1);
  assertJsonError(answers[0], 408);
});

test('a client that never finishes its body → 408 in the JSON error shape, nothing queued', async () => {
  const answers = await converse([`POST ${BASE} HTTP/1.1\r\nHost: x\r\nx-rh-identity: ${IDENTITY}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sou`]);
  assert.is(answers.length, 1);
  assertJsonError(answers[0], 408);
  assert.is(published.length, 0);
});

test('bytes after a request Express serves: its answer first, then the connection closes', async () => {
  const answers = await converse(['GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nnot http\r\n\r\n']);
  assert.is(answers.length, 1);
  assert.is(answers[0]!.status, 200); // converse() resolves only once the server closed
});

test.run();
