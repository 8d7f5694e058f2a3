import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createIngress } from '../../src/ingress/app.ts';
import { createIngressMetrics } from '../../src/ingress/metrics.ts';

const identity = Buffer.from('{"identity":{"org_id":"1"}}').toString('base64');
const PATH = '/api/provisioning/v1/availability_status/sources';

for (const entry of ['app', 'listener'] as const) test(`${entry}: counts requests by route and status once, and times publishes`, async () => {
  const registry = new Registry();
  let fail = false;
  const app = createIngress({
    publish: async () => { if (fail) throw new Error('down'); },
    limits: { bodyLimitBytes: 1024, orgRatePerSec: 100, orgBurst: 100, publishTimeoutMs: 100 },
    metrics: createIngressMetrics(registry),
  })[entry];
  await request(app).post(PATH).set('x-rh-identity', identity).send({ source_id: '1' });
  await request(app).post(PATH).set('x-rh-identity', identity).send({ source_id: '2' });
  await request(app).post(PATH).send({ source_id: '1' });
  await request(app).post(`${PATH}/5/recheck`).set('x-rh-identity', identity);
  fail = true;
  await request(app).post(PATH).set('x-rh-identity', identity).send({ source_id: '3' });
  await request(app).get('/some/random/path/42');
  await request(app).get('/healthz');

  const text = await registry.metrics();
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="check",status="202"} 2');
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="check",status="401"} 1');
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="check",status="503"} 1');
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="recheck",status="202"} 1');
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="unmatched",status="404"} 1');
  assert.match(text, 'sources_availability_check_ingress_requests_total{route="health",status="200"} 1');
  assert.match(text, 'sources_availability_check_ingress_publish_seconds_count{queue="requests",outcome="ok"} 2');
  assert.match(text, 'sources_availability_check_ingress_publish_seconds_count{queue="priority",outcome="ok"} 1');
  assert.match(text, 'sources_availability_check_ingress_publish_seconds_count{queue="requests",outcome="failed"} 1');
});

test.run();
