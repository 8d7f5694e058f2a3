import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RequestIdentity } from '../../src/domain/types.ts';
import { SourcesClient } from '../../src/sources/client.ts';
import { InvalidSourceIdError, SourcesBadResponseError, SourcesUnauthorizedError, SourcesUnavailableError } from '../../src/sources/errors.ts';
import { startSourcesEmulator, type SourcesEmulator } from '../emulators/sources.ts';

const identityFor = (orgId: string, accountNumber = ''): RequestIdentity => ({
  xRhIdentity: Buffer.from(JSON.stringify({ identity: { ...(accountNumber ? { account_number: accountNumber } : {}), org_id: orgId, internal: { org_id: '' }, type: 'System' }, entitlements: null })).toString('base64'),
  orgId,
  accountNumber,
});
const tenant = identityFor('000001', '0001');

const test = suite<{ sources: SourcesEmulator; client: SourcesClient }>('sources client', {} as never);

test.before.each(async (ctx) => {
  ctx.sources = await startSourcesEmulator();
  ctx.client = new SourcesClient({ baseUrl: ctx.sources.url, baseDelayMs: 1, timeoutMs: 1000 });
});
test.after.each(async (ctx) => { await ctx.sources.stop(); });

test('keeps Application authentications of the three authtypes, mapped to providers', async ({ sources, client }) => {
  sources.seed('100', {
    authentications: [
      { authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/app', resource_id: '501' },
      { authtype: 'provisioning_lighthouse_subscription_id', username: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', resource_id: '502' },
      { authtype: 'provisioning_project_id', username: 'my-project-123', resource_id: '503' },
      { authtype: 'arn', username: 'arn:aws:iam::123456789012:role/cost', resource_id: '504' },
      { authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/src', resource_type: 'Source', resource_id: '100' },
      { authtype: 'provisioning-arn', resource_id: '505' },
    ],
  });
  const result = await client.listApplicationAuthentications('100', tenant);
  assert.equal(result, {
    kind: 'found',
    authentications: [
      { applicationId: '501', provider: 'aws', accountRef: 'arn:aws:iam::123456789012:role/app' },
      { applicationId: '502', provider: 'azure', accountRef: '3f2504e0-4f89-11d3-9a0c-0305e82c3301' },
      { applicationId: '503', provider: 'gcp', accountRef: 'my-project-123' },
    ],
    malformed: 1,
  });
});

test('forwards the identity, org and account headers', async ({ sources, client }) => {
  sources.seed('100', { authentications: [] });
  await client.listApplicationAuthentications('100', tenant);
  const headers = sources.requests[0]?.headers ?? {};
  assert.is(headers['x-rh-identity'], tenant.xRhIdentity);
  assert.is(headers['x-rh-sources-org-id'], '000001');
  assert.is(headers['x-rh-sources-account-number'], '0001');
  assert.is(sources.requests[0]?.path, '/api/sources/v3.1/sources/100/authentications?limit=100&offset=0');
});

test('leaves out an empty account number header', async ({ sources, client }) => {
  sources.seed('100', { authentications: [] });
  await client.listApplicationAuthentications('100', identityFor('000001'));
  assert.not.ok('x-rh-sources-account-number' in (sources.requests[0]?.headers ?? {}));
});

test('follows pages until meta.count is reached', async ({ sources }) => {
  const client = new SourcesClient({ baseUrl: sources.url, pageLimit: 2 });
  sources.seed('7', {
    authentications: Array.from({ length: 5 }, (_, i) => ({ authtype: 'provisioning_project_id', username: `project-${i}00`, resource_id: String(600 + i) })),
  });
  const result = await client.listApplicationAuthentications('7', tenant);
  assert.is(result.kind, 'found');
  assert.equal(result.kind === 'found' && result.authentications.map((a) => a.applicationId), ['600', '601', '602', '603', '604']);
  assert.equal(sources.requests.map((r) => r.path), [
    '/api/sources/v3.1/sources/7/authentications?limit=2&offset=0',
    '/api/sources/v3.1/sources/7/authentications?limit=2&offset=2',
    '/api/sources/v3.1/sources/7/authentications?limit=2&offset=4',
  ]);
});

test('a links.next on another origin is not followed: the identity stays with Sources', async () => {
  const urls: string[] = [];
  const pages = [
    { data: [{ id: '1', authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/a', resource_type: 'Application', resource_id: '1' }], meta: { count: 2, limit: 1, offset: 0 }, links: { next: 'http://elsewhere.example/api/sources/v3.1/sources/5/authentications?limit=1&offset=1' } },
    { data: [{ id: '2', authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/b', resource_type: 'Application', resource_id: '2' }], meta: { count: 2, limit: 1, offset: 1 }, links: {} },
  ];
  const client = new SourcesClient({
    baseUrl: 'http://127.0.0.1:9', pageLimit: 1,
    fetch: async (url) => { urls.push(String(url)); return Response.json(pages[urls.length - 1]); },
  });
  const result = await client.listApplicationAuthentications('5', tenant);
  assert.is(result.kind === 'found' && result.authentications.length, 2);
  assert.equal(urls, [
    'http://127.0.0.1:9/api/sources/v3.1/sources/5/authentications?limit=1&offset=0',
    'http://127.0.0.1:9/api/sources/v3.1/sources/5/authentications?limit=1&offset=1',
  ]);
});

test('404 (missing or another tenant\'s source) is a result, not an error', async ({ sources, client }) => {
  sources.seed('200', { orgId: '999999', authentications: [{ authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/x', resource_id: '1' }] });
  assert.equal(await client.listApplicationAuthentications('404', tenant), { kind: 'source-not-found' });
  assert.equal(await client.listApplicationAuthentications('200', tenant), { kind: 'source-not-found' });
});

test('retries 5xx and succeeds', async ({ sources, client }) => {
  sources.seed('100', { authentications: [{ authtype: 'provisioning-arn', username: 'arn:aws:iam::123456789012:role/app', resource_id: '501' }] });
  sources.failNext(2, 503);
  const result = await client.listApplicationAuthentications('100', tenant);
  assert.is(result.kind === 'found' && result.authentications.length, 1);
  assert.is(sources.requests.length, 3);
});

test('gives up after maxAttempts with a transient SourcesUnavailableError', async ({ sources, client }) => {
  sources.seed('100', { authentications: [] });
  sources.setMode('100', 'server-error');
  try {
    await client.listApplicationAuthentications('100', tenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, SourcesUnavailableError);
    assert.is((err as SourcesUnavailableError).transient, true);
    assert.is((err as SourcesUnavailableError).code, 'SOURCES_UNAVAILABLE');
    assert.match((err as Error).message, /HTTP 500/);
  }
  assert.is(sources.requests.length, 3);
});

test('a slow Sources times out and counts as unavailable', async ({ sources }) => {
  const client = new SourcesClient({ baseUrl: sources.url, timeoutMs: 50, maxAttempts: 2, baseDelayMs: 1 });
  sources.seed('100', { authentications: [] });
  sources.setMode('100', { slow: 300 });
  try {
    await client.listApplicationAuthentications('100', tenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, SourcesUnavailableError);
    assert.match((err as Error).message, /timed out after 50 ms/);
  }
});

test('a network failure is transient', async ({ sources }) => {
  const url = sources.url;
  await sources.stop();
  const client = new SourcesClient({ baseUrl: url, maxAttempts: 2, baseDelayMs: 1 });
  try {
    await client.listApplicationAuthentications('100', tenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, SourcesUnavailableError);
    assert.match((err as Error).message, /network error/);
  }
});

test('401 for an identity without org or account is a typed, non-transient error, not retried', async ({ sources, client }) => {
  const noTenant: RequestIdentity = { xRhIdentity: Buffer.from('{"identity":{"type":"System"}}').toString('base64'), orgId: '', accountNumber: '' };
  try {
    await client.listApplicationAuthentications('100', noTenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, SourcesUnauthorizedError);
    assert.is((err as SourcesUnauthorizedError).status, 401);
    assert.is((err as SourcesUnauthorizedError).transient, false);
  }
  assert.is(sources.requests.length, 1);
});

test('rejects a non-digit source id before any request', async ({ sources, client }) => {
  try {
    await client.listApplicationAuthentications('12a', tenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, InvalidSourceIdError);
  }
  assert.is(sources.requests.length, 0);
});

test('an unreadable 200 is a bad response', async () => {
  const client = new SourcesClient({ baseUrl: 'http://127.0.0.1:9', fetch: async () => new Response('{"nope":1}', { status: 200 }) });
  try {
    await client.listApplicationAuthentications('1', tenant);
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, SourcesBadResponseError);
  }
});

test('rejects bad options with a clear error', () => {
  assert.throws(() => new SourcesClient({ baseUrl: 'not a url' }), /baseUrl is not a URL/);
  assert.throws(() => new SourcesClient({ baseUrl: 'ftp://x' }), /must be http/);
  assert.throws(() => new SourcesClient({ baseUrl: 'http://x', pageLimit: 0 }), /pageLimit must be a positive integer/);
});

test.run();
