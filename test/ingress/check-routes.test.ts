import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CHECK_PATH, createCheckRoutes, type IngressLogger } from '../../src/ingress/check-routes.ts';

const routes = createCheckRoutes({
  publish: async () => {},
  limits: { bodyLimitBytes: 1024, orgRatePerSec: 1, orgBurst: 1, publishTimeoutMs: 100 },
});

test('match: the check route with or without a query or trailing slash', () => {
  assert.equal(routes.match(CHECK_PATH), { route: 'check' });
  assert.equal(routes.match(`${CHECK_PATH}/`), { route: 'check' });
  assert.equal(routes.match(`${CHECK_PATH}?x=1`), { route: 'check' });
});

test('match: the recheck route hands over the raw segment', () => {
  assert.equal(routes.match(`${CHECK_PATH}/42/recheck`), { route: 'recheck', sourceIdSegment: '42' });
  assert.equal(routes.match(`${CHECK_PATH}/%34%32/recheck?a=b`), { route: 'recheck', sourceIdSegment: '%34%32' });
});

test('match: anything else is not ours', () => {
  for (const url of ['/', `${CHECK_PATH}x`, `${CHECK_PATH}/42`, `${CHECK_PATH}/42/recheck/extra`, `${CHECK_PATH}//recheck`, '/api/provisioning/v1/availability_status/openapi.json']) {
    assert.is(routes.match(url), undefined, url);
  }
});

test('a pino logger plugs in and gets one line per outcome, with the request id', async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  const logger: IngressLogger = pino({ level: 'info' }, sink);
  const logged = createCheckRoutes({
    publish: async () => {},
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 1, orgBurst: 1, publishTimeoutMs: 100 },
    logger,
    newRequestId: () => 'rid-7',
  });
  const server = (req: IncomingMessage, res: ServerResponse) => {
    const match = logged.match(req.url ?? '');
    if (match) void logged.handle(match.route, req, res, match.sourceIdSegment);
  };
  const identity = Buffer.from('{"identity":{"org_id":"9"}}').toString('base64');
  assert.is((await request(server).post(CHECK_PATH).set('x-rh-identity', identity).send({ source_id: '3' })).status, 202);
  assert.is((await request(server).post(CHECK_PATH).set('x-rh-identity', identity).send({ source_id: '3' })).status, 429);
  assert.is((await request(server).post(CHECK_PATH).send({ source_id: '3' })).status, 401);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(lines.map((l) => [l.level, l.msg, l.requestId]), [
    [30, 'check request queued', 'rid-7'],
    [30, 'check request throttled', 'rid-7'],
    [40, 'check request refused', 'rid-7'],
  ]);
  assert.is(lines[0]!.sourceId, '3');
  assert.is(lines[0]!.orgId, '9');
});

test('serve: answers and then calls done; no info line is built when info is off', async () => {
  const built: string[] = [];
  const logger: IngressLogger = {
    info: (_f, m) => { built.push(m); },
    warn: (_f, m) => { built.push(m); },
    error: (_f, m) => { built.push(m); },
    isLevelEnabled: (level) => level !== 'info',
  };
  const quiet = createCheckRoutes({ publish: async () => {}, limits: { bodyLimitBytes: 1024, orgRatePerSec: 10, orgBurst: 10, publishTimeoutMs: 100 }, logger });
  let done = 0;
  const server = (req: IncomingMessage, res: ServerResponse) => {
    const match = quiet.match(req.url ?? '');
    if (match) quiet.serve(match.route, req, res, match.sourceIdSegment, () => { done++; });
  };
  const identity = Buffer.from('{"identity":{"org_id":"9"}}').toString('base64');
  assert.is((await request(server).post(CHECK_PATH).set('x-rh-identity', identity).send({ source_id: '3' })).status, 202);
  assert.is((await request(server).post(`${CHECK_PATH}/4/recheck`).set('x-rh-identity', identity)).status, 202);
  assert.is((await request(server).post(CHECK_PATH).send({ source_id: '3' })).status, 401);
  assert.is(done, 3);
  assert.equal(built, ['check request refused']); // the two info lines were skipped, the warning was not
});

test('a throwing logger costs the connection at most, never the process or a hang', async () => {
  const boom = () => { throw new Error('logger down'); };
  const broken = createCheckRoutes({
    publish: async () => {},
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 10, orgBurst: 10, publishTimeoutMs: 100 },
    logger: { info: boom, warn: boom, error: boom },
  });
  const server = (req: IncomingMessage, res: ServerResponse) => {
    const match = broken.match(req.url ?? '');
    if (match) broken.serve(match.route, req, res, match.sourceIdSegment);
  };
  const identity = Buffer.from('{"identity":{"org_id":"9"}}').toString('base64');
  for (const send of [
    () => request(server).post(CHECK_PATH).set('x-rh-identity', identity).send({ source_id: '3' }),
    () => request(server).post(CHECK_PATH).send({ source_id: '3' }),
  ]) {
    const outcome = await send().then((res) => res.status, (err: Error) => err.message);
    assert.ok(outcome === 500 || /socket hang up|ECONNRESET/.test(String(outcome)), String(outcome));
  }
});

test.run();
