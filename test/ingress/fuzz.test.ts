// Fuzzing the ingress over real sockets: generated methods, paths, identities, headers, content
// types, bodies and framings (Content-Length right, missing or wrong, chunked, bytes after the
// request), against both entry points (the server's fast path and Express alone). For every
// request: no 5xx; every error in the JSON error shape with its own status; nothing published for
// a non-202; every 202 published exactly once, with the request id it answered; and the server
// still up at the end. Seeded, so a failure replays: FUZZ_SEED=<seed> FUZZ_RUNS=<n> npm test -- fuzz
import { connect } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { RequestListener } from 'node:http';
import { createIngress, createIngressApp, type IngressOptions } from '../../src/ingress/app.ts';
import { listenHttp, type ListeningServer } from '../../src/http/listen.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 3000);
const BASE = '/api/provisioning/v1/availability_status';
const BODY_LIMIT = 256;
const b64 = (text: string) => Buffer.from(text).toString('base64');

const published: string[] = []; // request ids, in publish order
const servers: ListeningServer[] = [];

function options(): IngressOptions {
  return {
    publish: async (_topic, record) => {
      published.push((JSON.parse(record.value!.toString()) as { request_id: string }).request_id);
    },
    limits: { bodyLimitBytes: BODY_LIMIT, orgRatePerSec: 1e6, orgBurst: 1e6, publishTimeoutMs: 2000 },
  };
}

test.before(async () => {
  const entries: RequestListener[] = [createIngress(options()).listener, createIngressApp(options())];
  for (const listener of entries) servers.push(await listenHttp(listener, { host: '127.0.0.1', port: 0, requestTimeoutMs: 2000 }));
});

test.after(async () => {
  for (const server of servers) await server.close(100);
});

// --- generators ------------------------------------------------------------------------------

const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const digits = fc.stringMatching(/^[0-9]{1,22}$/);

const method = fc.oneof({ weight: 6, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'), token.map((t) => t.toUpperCase()));

const path = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(`${BASE}/sources`, `${BASE}/sources/`, `${BASE}/sources?no_cache=true`, `${BASE}/sources?x=1`) },
  { weight: 4, arbitrary: fc.oneof(digits, printable.map(encodeURIComponent), fc.constantFrom('%', '%zz', '0', '-1', '%31%32')).map((id) => `${BASE}/sources/${id}/recheck`) },
  fc.constantFrom('/healthz', '/readyz', `${BASE}/openapi.json`, '/', '*', `${BASE}/sources/1/recheck/extra`),
  printable.map((p) => `/${encodeURI(p)}`),
);

const identityJson = fc.record({
  org_id: fc.option(fc.oneof(digits, printable), { nil: undefined }),
  account_number: fc.option(fc.oneof(digits, printable), { nil: undefined }),
  type: fc.option(fc.constantFrom('System', 'User', 'Associate'), { nil: undefined }),
}, { requiredKeys: [] }).map((identity) => JSON.stringify({ identity }));

const identity = fc.oneof(
  { weight: 5, arbitrary: identityJson.map(b64) },
  { weight: 8, arbitrary: fc.constant(b64('{"identity":{"org_id":"000001","account_number":"0001","type":"System"}}')) },
  printable.map(b64), printable, fc.constant(''), fc.constant(undefined),
);

const contentType = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/json;charset=UTF-8') },
  fc.constantFrom('text/plain', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/x-www-form-urlencoded', 'application/json; charset="utf-8"'),
  printable, fc.constant(undefined),
);

const body = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(digits, fc.integer()).map((id) => JSON.stringify({ source_id: id })) },
  fc.oneof(digits, fc.integer()).map((id) => JSON.stringify({ source_id: id, no_cache: true })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  printable, fc.constant(''), fc.constant(`{"source_id":"${'1'.repeat(BODY_LIMIT)}"}`),
);

/** How the body travels: declared length right, missing, too short, too long, chunked; maybe bytes after. */
const framing = fc.constantFrom('length', 'length', 'length', 'none', 'short', 'long', 'chunked', 'chunked-broken');

const extraHeaders = fc.array(fc.tuple(token, printable), { maxLength: 3 });

/** undefined four times in five */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, arbitrary);
}

const request = fc.record({
  entry: fc.nat({ max: 1 }),
  method, path, identity, contentType, body, framing, extraHeaders,
  orgHeader: fc.option(fc.oneof({ weight: 3, arbitrary: fc.constant('000001') }, digits), { nil: undefined, freq: 2 }),
  requestId: fc.option(fc.oneof(printable, fc.uuid()), { nil: undefined }),
  encoding: rarely(fc.constantFrom('gzip', 'identity', 'br')),
  trailing: rarely(fc.constantFrom('garbage\r\n\r\n', `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n`, '\x00\x01')),
});
type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

function render(r: FuzzRequest): string {
  const headers: string[] = ['Host: fuzz', 'Connection: close'];
  if (r.identity !== undefined) headers.push(`x-rh-identity: ${r.identity}`);
  if (r.orgHeader !== undefined) headers.push(`x-rh-sources-org-id: ${r.orgHeader}`);
  if (r.requestId !== undefined) headers.push(`x-rh-insights-request-id: ${r.requestId}`);
  if (r.contentType !== undefined) headers.push(`Content-Type: ${r.contentType}`);
  if (r.encoding !== undefined) headers.push(`Content-Encoding: ${r.encoding}`);
  for (const [name, value] of r.extraHeaders) headers.push(`x-fuzz-${name}: ${value}`);
  const bytes = Buffer.byteLength(r.body);
  let payload = r.body;
  switch (r.framing) {
    case 'length': headers.push(`Content-Length: ${bytes}`); break;
    case 'short': headers.push(`Content-Length: ${Math.max(0, bytes - 3)}`); break;
    case 'long': headers.push(`Content-Length: ${bytes + 3}`); break;
    case 'chunked': headers.push('Transfer-Encoding: chunked'); payload = `${bytes > 0 ? `${bytes.toString(16)}\r\n${r.body}\r\n` : ''}0\r\n\r\n`; break;
    case 'chunked-broken': headers.push('Transfer-Encoding: chunked'); payload = `zz\r\n${r.body}\r\n0\r\n\r\n`; break;
    default: break; // 'none': the body follows with no declared length
  }
  return `${r.method} ${r.path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n${payload}${r.trailing ?? ''}`;
}

interface Answer { status: number; headers: string; body: string }

/** Sends `raw`, reads until the server closes (or 3 s pass), parses the answers. */
function exchange(port: number, raw: string): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1', () => socket.end(raw, 'latin1'));
    const timer = setTimeout(() => { socket.destroy(); reject(new Error('no close within 3 s')); }, 3000);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is a close
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const answers: Answer[] = [];
      let rest = text;
      while (rest.startsWith('HTTP/1.1 ')) {
        const end = rest.indexOf('\r\n\r\n');
        if (end < 0) break;
        const head = rest.slice(0, end);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        answers.push({ status: Number(head.slice(9, 12)), headers: head, body: rest.slice(end + 4, end + 4 + length) });
        rest = rest.slice(end + 4 + length);
      }
      resolve(answers);
    });
  });
}

const statuses = new Map<number, number>();
let closedWithoutAnswer = 0;

test(`fuzz: ${RUNS} generated requests (seed ${SEED}): no 5xx, JSON errors, a 202 exactly when one record is published`, async () => {
  const started = performance.now();
  await fc.assert(fc.asyncProperty(request, async (r) => {
    const before = published.length;
    const answers = await exchange(servers[r.entry]!.port, render(r));
    // the answer that matters is the first: a client reads nothing after a Connection: close answer
    const first = answers[0];
    if (first === undefined) closedWithoutAnswer++;
    else statuses.set(first.status, (statuses.get(first.status) ?? 0) + 1);
    const accepted: string[] = [];
    for (const answer of answers) {
      if (answer.status >= 500) throw new Error(`a ${answer.status}: ${answer.body}`);
      if (answer.status === 202) {
        accepted.push((JSON.parse(answer.body) as { request_id: string }).request_id);
      } else if (answer.status >= 400 && r.method !== 'HEAD') {
        assert.match(answer.headers, /\r\ncontent-type: application\/json/i);
        const error = JSON.parse(answer.body) as { errors: Array<{ status: string; detail: string }> };
        assert.equal(Object.keys(error), ['errors']);
        assert.is(error.errors.length, 1);
        assert.is(error.errors[0]!.status, String(answer.status));
        assert.type(error.errors[0]!.detail, 'string');
      }
    }
    // publishing is asynchronous only until the 202 is written, so the records are there now
    assert.equal(published.slice(before), accepted, 'published records = the 202s, once each, same ids');
  }), { seed: SEED, numRuns: RUNS, endOnFailure: true });
  for (const server of servers) {
    const health = await fetch(`${server.url}/healthz`);
    assert.is(health.status, 200, 'the server is still up');
  }
  const seconds = (performance.now() - started) / 1000;
  const spread = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  console.log(`  ${RUNS} cases in ${seconds.toFixed(1)} s; first answers: ${spread}; closed without an answer: ${closedWithoutAnswer}; published ${published.length}`);
});

test.run();
