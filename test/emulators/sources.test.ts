// The Sources emulator's wire format, read raw (the client test reads it through SourcesClient).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demoIdentity } from './index.ts';
import { startSourcesEmulator } from './sources.ts';

const identity = demoIdentity().xRhIdentity;

test('200: data/meta/links as sources-api-go shapes them; empty optional fields left out', async () => {
  const sources = await startSourcesEmulator();
  try {
    sources.seed('11', { orgId: '000001', authentications: [
      { id: '7', authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/a', resource_id: '501' },
      { id: '8', authtype: 'provisioning_project_id', username: 'p-123456', resource_id: '502' },
      { id: '9', authtype: 'provisioning_project_id', username: 'p-654321', resource_id: '503' },
    ] });
    const res = await fetch(`${sources.url}/api/sources/v3.1/sources/11/authentications?limit=2&offset=0`, { headers: { 'x-rh-identity': identity } });
    assert.is(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(await res.json(), {
      meta: { count: 3, limit: 2, offset: 0 },
      links: {
        first: '/api/sources/v3.1/sources/11/authentications?limit=2&offset=0',
        last: '/api/sources/v3.1/sources/11/authentications?limit=2&offset=2',
        next: '/api/sources/v3.1/sources/11/authentications?limit=2&offset=2',
      },
      data: [
        { id: '7', authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/a', availability_status: 'in_progress', resource_type: 'Application', resource_id: '501' },
        { id: '8', authtype: 'provisioning_project_id', username: 'p-123456', availability_status: 'in_progress', resource_type: 'Application', resource_id: '502' },
      ],
    });
  } finally {
    await sources.stop();
  }
});

test('errors: 401 without a usable identity, 404 for another tenant, both as {"errors":[…]}', async () => {
  const sources = await startSourcesEmulator();
  try {
    sources.seed('12', { orgId: '999999', authentications: [] });
    const path = `${sources.url}/api/sources/v3.1/sources/12/authentications`;
    const noIdentity = await fetch(path);
    assert.is(noIdentity.status, 401);
    const body401 = await noIdentity.json() as { errors: { status: string }[] };
    assert.is(body401.errors[0]?.status, '401');
    const otherTenant = await fetch(path, { headers: { 'x-rh-identity': identity } });
    assert.is(otherTenant.status, 404);
    assert.equal(await otherTenant.json(), { errors: [{ detail: 'source not found', status: '404' }] });
  } finally {
    await sources.stop();
  }
});

test('failNext and modes shape the next answers', async () => {
  const sources = await startSourcesEmulator();
  try {
    sources.seed('13', { authentications: [] });
    const get = () => fetch(`${sources.url}/api/sources/v3.1/sources/13/authentications`, { headers: { 'x-rh-identity': identity } }).then((r) => r.status);
    sources.failNext(1, 502);
    assert.equal([await get(), await get()], [502, 200]);
    sources.setMode('13', { slow: 50, then: 'server-error' });
    const started = performance.now();
    assert.is(await get(), 500);
    assert.ok(performance.now() - started >= 45);
    assert.is(sources.calls.byVerdict['server-error'], 1);
  } finally {
    await sources.stop();
  }
});

test.run();
