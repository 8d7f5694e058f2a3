import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Counter, Registry } from 'prom-client';
import { listenMetricsServer, type ProbeResult } from '../../src/metrics/index.ts';

async function withServer(fn: (url: string, state: { ready: ProbeResult }) => Promise<void>) {
  const registry = new Registry();
  new Counter({ name: 'demo_total', help: 'demo', registers: [registry] }).inc(2);
  const state = { ready: { ok: true, status: 'ready' } as ProbeResult };
  const server = await listenMetricsServer({
    host: '127.0.0.1', port: 0, registry,
    live: () => { throw new Error('probe bug'); },
    ready: () => state.ready,
    routes: { '/extra': (_req, res) => { res.end('extra!'); } },
  });
  try {
    await fn(server.url, state);
  } finally {
    await server.close();
  }
}

test('GET /metrics serves the registry in the Prometheus text format', () => withServer(async (url) => {
  const response = await fetch(`${url}/metrics`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  assert.match(await response.text(), /^demo_total 2$/m);
}));

test('probes answer 200 or 503 with their JSON; a throwing probe is a 503, not a crash', () => withServer(async (url, state) => {
  let response = await fetch(`${url}/readyz`);
  assert.is(response.status, 200);
  assert.equal(await response.json(), { ok: true, status: 'ready' });
  state.ready = { ok: false, status: 'unhealthy', reason: 'broker down' };
  response = await fetch(`${url}/readyz`);
  assert.is(response.status, 503);
  assert.equal(await response.json(), { ok: false, status: 'unhealthy', reason: 'broker down' });
  response = await fetch(`${url}/healthz`);
  assert.is(response.status, 503);
  assert.equal(await response.json(), { ok: false, status: 'probe failed', reason: 'probe bug' });
}));

test('extra routes, query strings ignored; unknown path 404 and other methods 405 with JSON errors', () => withServer(async (url) => {
  assert.is(await (await fetch(`${url}/extra?x=1`)).text(), 'extra!');
  const missing = await fetch(`${url}/nope`);
  assert.is(missing.status, 404);
  assert.match(JSON.stringify(await missing.json()), /try \/metrics, \/healthz, \/readyz, \/extra/);
  const post = await fetch(`${url}/metrics`, { method: 'POST' });
  assert.is(post.status, 405);
  assert.is(post.headers.get('allow'), 'GET, HEAD');
  await post.arrayBuffer();
}));

test.run();
