// The served document matches the routes the app really has: every documented operation answers
// (not 404/405), and an undocumented path does not.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import request from 'supertest';
import { createIngressApp } from '../../src/ingress/app.ts';

const doc = JSON.parse(readFileSync(new URL('../../src/ingress/openapi.json', import.meta.url), 'utf8'));
const app = createIngressApp({
  publish: async () => {},
  limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 100 },
});
const identity = Buffer.from('{"identity":{"org_id":"1"}}').toString('base64');

test('is OpenAPI 3.1 with resolvable local $refs', () => {
  assert.is(doc.openapi, '3.1.0');
  const refs = JSON.stringify(doc).match(/"\$ref":"#\/[^"]+"/g) ?? [];
  assert.ok(refs.length > 5);
  for (const ref of refs) {
    const pointer = ref.slice(9, -1).split('/').slice(1);
    let node = doc;
    for (const part of pointer) node = node?.[part];
    assert.ok(node !== undefined, `unresolved ${ref}`);
  }
});

test('every documented operation exists in the app', async () => {
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(item)) {
      const url = path.replace('{source_id}', '12');
      const res = method === 'post'
        ? await request(app).post(url).set('x-rh-identity', identity).send({ source_id: '12' })
        : await request(app).get(url);
      assert.ok(![404, 405].includes(res.status), `${method.toUpperCase()} ${path} answered ${res.status}`);
      const documented = Object.keys((item[method] as { responses: object }).responses);
      assert.ok(documented.includes(String(res.status)), `${method} ${path}: ${res.status} not documented`);
    }
  }
});

test.run();
