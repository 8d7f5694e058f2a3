import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import request from 'supertest';
import type { RequestListener } from 'node:http';
import { createIngress, createIngressApp, type IngressLimits, type IngressOptions } from '../../src/ingress/app.ts';
import type { KafkaRecord } from '../../src/contract/record.ts';
import { decodeCheckRequest } from '../../src/contract/check-request.ts';
import { DEFAULT_TOPICS } from '../../src/contract/topics.ts';

const PATH = '/api/provisioning/v1/availability_status/sources';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const SYSTEM_IDENTITY = b64('{"identity":{"account_number":"0001","org_id":"000001","internal":{"org_id":""},"type":"System"},"entitlements":null}');
const LIMITS: IngressLimits = { bodyLimitBytes: 1024, orgRatePerSec: 1000, orgBurst: 1000, publishTimeoutMs: 200 };

interface Published { topic: string; record: KafkaRecord }

// The same suite runs against both entry points: every route through Express, and the server
// listener that takes the check routes on the fast path.
const ENTRY_POINTS: Array<[string, (options: IngressOptions) => RequestListener]> = [
  ['express app', (options) => createIngressApp(options)],
  ['fast-path listener', (options) => createIngress(options).listener],
];

for (const [entry, build] of ENTRY_POINTS) {
  const test = suite(`ingress via ${entry}`);

  function harness(overrides: Partial<IngressOptions> = {}) {
    const published: Published[] = [];
    const app = build({
      publish: async (topic, record) => { published.push({ topic, record }); },
      limits: LIMITS,
      newRequestId: () => 'req-1',
      ...overrides,
    });
    return { app, published };
  }

  /** A well-formed Sources request, as the scheduler sends it. */
  function sourcesPost(app: RequestListener) {
    return request(app).post(PATH)
      .set('x-rh-identity', SYSTEM_IDENTITY)
      .set('x-rh-sources-org-id', '000001')
      .set('x-rh-sources-account-number', '0001');
  }

  function headerText(record: KafkaRecord): string[] {
    return record.headers.map((h) => Object.entries(h).map(([n, v]) => `${n}: ${v.toString()}`).join());
  }

  function assertError(res: request.Response, status: number, detail: RegExp): void {
    assert.is(res.status, status);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.equal(Object.keys(res.body), ['errors']);
    assert.is(res.body.errors.length, 1);
    assert.is(res.body.errors[0].status, String(status));
    assert.match(res.body.errors[0].detail, detail);
  }

  test('Sources request: 202, exactly one record on the request topic with key, value and identity headers', async () => {
    const { app, published } = harness();
    const res = await sourcesPost(app).set('Content-Type', 'application/json;charset=utf-8').send('{"source_id":"463243"}');
    assert.is(res.status, 202);
    assert.equal(res.body, { request_id: 'req-1', source_id: '463243' });
    assert.is(published.length, 1);
    const [{ topic, record }] = published as [Published];
    assert.is(topic, DEFAULT_TOPICS.requests);
    assert.is(record.key.toString(), '463243');
    assert.is(record.value.toString(), '{"source_id":"463243","no_cache":false,"request_id":"req-1"}');
    assert.equal(headerText(record), [
      `x-rh-identity: ${SYSTEM_IDENTITY}`,
      'x-rh-sources-org-id: 000001',
      'x-rh-sources-account-number: 0001',
      'content-type: application/json',
    ]);
  });

  test('a JSON number source id is normalised to digits; identity alone is enough; topics are configurable', async () => {
    const { app, published } = harness({ topics: { ...DEFAULT_TOPICS, requests: 'test.requests' } });
    const res = await request(app).post(PATH).set('x-rh-identity', b64('{"identity":{"org_id":"42","type":"User"}}')).send({ source_id: 7 });
    assert.is(res.status, 202);
    assert.is(res.body.source_id, '7');
    assert.is(published[0]?.topic, 'test.requests');
    const decoded = decodeCheckRequest(published[0]!.record);
    assert.equal(decoded.identity, { xRhIdentity: b64('{"identity":{"org_id":"42","type":"User"}}'), orgId: '42', accountNumber: '' });
    assert.is(decoded.noCache, false);
  });

  test('the platform request id is reused when sane', async () => {
    const { app, published } = harness();
    const ok = await sourcesPost(app).set('x-rh-insights-request-id', 'abc-123').send({ source_id: '1' });
    assert.is(ok.body.request_id, 'abc-123');
    const bad = await sourcesPost(app).set('x-rh-insights-request-id', 'has spaces in it').send({ source_id: '1' });
    assert.is(bad.body.request_id, 'req-1');
    assert.is(decodeCheckRequest(published[0]!.record).requestId, 'abc-123');
  });

  test('recheck: priority topic, no_cache true, no body needed', async () => {
    const { app, published } = harness();
    const res = await request(app).post(`${PATH}/0099/recheck`).set('x-rh-identity', SYSTEM_IDENTITY);
    assert.is(res.status, 202);
    assert.equal(res.body, { request_id: 'req-1', source_id: '99' });
    assert.is(published.length, 1);
    assert.is(published[0]!.topic, DEFAULT_TOPICS.priority);
    assert.is(published[0]!.record.value.toString(), '{"source_id":"99","no_cache":true,"request_id":"req-1"}');
    assert.is(published[0]!.record.key.toString(), '99');
  });

  const IDENTITY_CASES: Array<[string, Record<string, string>, number, RegExp]> = [
    ['no identity', {}, 401, /x-rh-identity header is required/],
    ['bad base64', { 'x-rh-identity': '%%%not-base64' }, 400, /not valid base64/],
    ['base64 of non-JSON', { 'x-rh-identity': b64('not json') }, 400, /does not decode to JSON/],
    ['no identity object', { 'x-rh-identity': b64('{"org_id":"1"}') }, 400, /no "identity" object/],
    ['identity without org or account', { 'x-rh-identity': b64('{"identity":{"type":"User"}}') }, 400, /neither identity.org_id nor identity.account_number/],
    ['org header contradicts identity', { 'x-rh-identity': SYSTEM_IDENTITY, 'x-rh-sources-org-id': '999' }, 400, /does not match/],
  ];
  for (const [name, headers, status, detail] of IDENTITY_CASES) {
    test(`identity: ${name} → ${status}, nothing published`, async () => {
      const { app, published } = harness();
      const res = await request(app).post(PATH).set(headers).send({ source_id: '1' });
      assertError(res, status, detail);
      const recheck = await request(app).post(`${PATH}/1/recheck`).set(headers);
      assertError(recheck, status, detail);
      assert.is(published.length, 0);
    });
  }

  const BODY_CASES: Array<[string, string, number, RegExp]> = [
    ['not JSON', '{"source_id":', 400, /not valid JSON/],
    ['a JSON array', '["1"]', 400, /must be a JSON object/],
    ['a JSON string', '"1"', 400, /must be a JSON object/],
    ['empty body with a JSON type', '', 400, /request body is required/],
    ['whitespace body', '  ', 400, /request body is required/],
    ['empty object', '{}', 400, /source_id is required/],
    ['source_id null', '{"source_id":null}', 400, /source_id must be a positive integer/],
    ['source_id boolean', '{"source_id":true}', 400, /source_id must be a positive integer/],
    ['source_id object', '{"source_id":{"id":1}}', 400, /source_id must be a positive integer/],
    ['source_id letters', '{"source_id":"12a"}', 400, /source_id must be a positive integer/],
    ['source_id negative', '{"source_id":-5}', 400, /source_id must be a positive integer/],
    ['source_id fraction', '{"source_id":1.5}', 400, /source_id must be a positive integer/],
    ['source_id zero', '{"source_id":"0"}', 400, /source_id must be a positive integer/],
    ['source_id beyond int64', '{"source_id":"9223372036854775808"}', 400, /source_id must be a positive integer/],
    ['source_id unsafe number', '{"source_id":9007199254740993}', 400, /source_id must be a positive integer/],
    ['no_cache on the scheduled route', '{"source_id":"1","no_cache":true}', 400, /recheck/],
  ];
  for (const [name, body, status, detail] of BODY_CASES) {
    test(`body: ${name} → ${status}, nothing published`, async () => {
      const { app, published } = harness();
      const res = await sourcesPost(app).set('Content-Type', 'application/json').send(body);
      assertError(res, status, detail);
      assert.is(published.length, 0);
    });
  }

  test('unknown fields in the body are ignored', async () => {
    const { app, published } = harness();
    const res = await sourcesPost(app).send({ source_id: '5', future: { x: 1 } });
    assert.is(res.status, 202);
    assert.is(published[0]!.record.value.toString(), '{"source_id":"5","no_cache":false,"request_id":"req-1"}');
  });

  test('huge body → 413; wrong content type → 415; missing body → 400; bad charset → 415', async () => {
    const { app, published } = harness();
    const huge = await sourcesPost(app).set('Content-Type', 'application/json').send(`{"source_id":"1","pad":"${'x'.repeat(5000)}"}`);
    assertError(huge, 413, /larger than 1024 bytes/);
    const text = await sourcesPost(app).set('Content-Type', 'text/plain').send('{"source_id":"1"}');
    assertError(text, 415, /Content-Type must be application\/json, got "text\/plain"/);
    const form = await sourcesPost(app).type('form').send({ source_id: '1' });
    assertError(form, 415, /application\/x-www-form-urlencoded/);
    const none = await sourcesPost(app);
    assertError(none, 400, /request body is required/);
    const latin = await sourcesPost(app).set('Content-Type', 'application/json; charset=latin1').send('{"source_id":"1"}');
    assertError(latin, 415, /charset/);
    assert.is(published.length, 0);
  });

  test('recheck with a bad id in the path → 400', async () => {
    const { app, published } = harness();
    assertError(await request(app).post(`${PATH}/abc/recheck`).set('x-rh-identity', SYSTEM_IDENTITY), 400, /source id in the path/);
    assertError(await request(app).post(`${PATH}/0/recheck`).set('x-rh-identity', SYSTEM_IDENTITY), 400, /source id in the path/);
    assertError(await request(app).post(`${PATH}/%E0%A4%A/recheck`).set('x-rh-identity', SYSTEM_IDENTITY), 400, /./);
    assert.is(published.length, 0);
  });

  test('unknown route → 404 JSON; wrong method → 405 with Allow', async () => {
    const { app, published } = harness();
    assertError(await request(app).get('/nope'), 404, /no route for GET \/nope/);
    assertError(await request(app).post('/api/provisioning/v1/availability_status/source').send({}), 404, /no route/);
    const wrong = await request(app).get(PATH);
    assertError(wrong, 405, /GET is not allowed here; use POST/);
    assert.is(wrong.headers.allow, 'POST');
    assert.is(published.length, 0);
  });

  test('per-org rate limit: 429 with Retry-After and a JSON error; other orgs unaffected', async () => {
    let nowMs = 0;
    const { app, published } = harness({ limits: { ...LIMITS, orgRatePerSec: 0.5, orgBurst: 2 }, now: () => nowMs });
    const orgA = b64('{"identity":{"org_id":"A1"}}');
    const orgB = b64('{"identity":{"org_id":"B2"}}');
    const post = (identity: string) => request(app).post(PATH).set('x-rh-identity', identity).send({ source_id: '1' });
    assert.is((await post(orgA)).status, 202);
    assert.is((await post(orgA)).status, 202);
    const limited = await post(orgA);
    assertError(limited, 429, /too many requests/);
    assert.is(limited.headers['retry-after'], '2');
    assert.is((await post(orgB)).status, 202);
    nowMs += 2000; // one token back at 0.5/s
    assert.is((await post(orgA)).status, 202);
    assert.is(published.length, 4);
  });

  test('publish failure → 503 JSON, and the error is logged', async () => {
    const logged: string[] = [];
    const logger = { info: () => {}, warn: () => {}, error: (_f: object, m: string) => { logged.push(m); } };
    const { app } = harness({ publish: async () => { throw new Error('broker down'); }, logger });
    assertError(await sourcesPost(app).send({ source_id: '1' }), 503, /could not be queued/);
    const sync = harness({ publish: () => { throw new Error('sync throw'); } });
    assertError(await sourcesPost(sync.app).send({ source_id: '1' }), 503, /could not be queued/);
    assert.equal(logged, ['check request not published']);
  });

  test('a publish that never settles → 503 after the timeout, not a hang', async () => {
    const { app } = harness({ publish: () => new Promise<void>(() => {}), limits: { ...LIMITS, publishTimeoutMs: 50 } });
    const started = Date.now();
    assertError(await sourcesPost(app).send({ source_id: '1' }), 503, /within 50 ms/);
    assert.ok(Date.now() - started < 2000);
  });

  test('a request id the record cannot carry → 400, logged as not published; a throwing id generator never crashes', async () => {
    const logged: string[] = [];
    const logger = { info: () => {}, warn: (_f: object, m: string) => { logged.push(m); }, error: (_f: object, m: string) => { logged.push(m); } };
    const long = harness({ newRequestId: () => 'x'.repeat(200), logger });
    assertError(await sourcesPost(long.app).send({ source_id: '1' }), 400, /request_id must NOT have more than 128 characters/);
    assert.equal(logged, ['check request not published', 'check request refused']);
    assert.is(long.published.length, 0);
    const broken = harness({ newRequestId: () => { throw new Error('no ids today'); } });
    const outcome = await sourcesPost(broken.app).send({ source_id: '1' }).then((res) => res.status, (err: Error) => err.message);
    assert.ok(outcome === 500 || /socket hang up|ECONNRESET/.test(String(outcome)), String(outcome));
    assert.is(broken.published.length, 0);
  });

  test('healthz, readyz and the OpenAPI document', async () => {
    let ready = false;
    const { app } = harness({ ready: () => ready });
    const health = await request(app).get('/healthz');
    assert.is(health.status, 200);
    assert.equal(health.body, { status: 'ok' });
    assertError(await request(app).get('/readyz'), 503, /not ready/);
    ready = true;
    assert.is((await request(app).get('/readyz')).status, 200);
    const doc = await request(app).get('/api/provisioning/v1/availability_status/openapi.json');
    assert.is(doc.status, 200);
    assert.is(doc.body.openapi, '3.1.0');
    assert.ok(doc.body.paths['/api/provisioning/v1/availability_status/sources/{source_id}/recheck'].post);
  });

  test('property: any header and body mix gets 202 or a 4xx JSON error, and publishes only on 202', async () => {
    const identityArb = fc.oneof(
      fc.constant(SYSTEM_IDENTITY),
      fc.string().map((s) => Buffer.from(s).toString('base64')),
      fc.json().map((j) => Buffer.from(j).toString('base64')),
      fc.record({ org_id: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(undefined)) })
        .map((identity) => Buffer.from(JSON.stringify({ identity })).toString('base64')),
      fc.string({ maxLength: 30 }).filter((s) => /^[\x21-\x7e]*$/.test(s)),
    );
    const bodyArb = fc.oneof(
      fc.json(),
      fc.record({ source_id: fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) }).map((b) => JSON.stringify(b)),
      fc.string({ maxLength: 60 }),
    );
    const typeArb = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1');
    await fc.assert(fc.asyncProperty(identityArb, bodyArb, typeArb, async (identity, body, type) => {
      const { app, published } = harness();
      const res = await request(app).post(PATH).set('x-rh-identity', identity).set('Content-Type', type).send(body);
      if (res.status === 202) {
        assert.is(published.length, 1);
      } else {
        assert.ok(res.status >= 400 && res.status < 500, `status ${res.status} for ${body}`);
        assert.is(res.body.errors[0].status, String(res.status));
        assert.is(published.length, 0);
      }
    }), { numRuns: 150 });
  });

  test.run();
}
