// The Azure checker through the real @azure/identity + @azure/arm-resources-subscriptions against
// the HTTPS emulator (self-signed CA trusted through the pipeline's tlsOptions), every mode.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAzureChecker, type AzureCheckerOptions } from '../../src/checks/azure.ts';
import type { Checker } from '../../src/checks/types.ts';
import { startAzureEmulator, type AzureEmulator } from '../emulators/azure.ts';
import { installLoopbackGuard } from '../emulators/loopback-only.ts';
import { waitFor } from '../emulators/wait-for.ts';

const SUB = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
const guard = installLoopbackGuard();
const test = suite<{ az: AzureEmulator; azure: Checker }>('azure checker', {} as never);
const optionsFor = (az: AzureEmulator): AzureCheckerOptions => ({
  tenantId: az.tenantId, clientId: az.clientId, clientSecret: az.clientSecret, authorityHost: az.url, armEndpoint: az.url, ca: az.ca,
});

test.before(async (ctx) => {
  ctx.az = await startAzureEmulator({ retryAfterSec: 7 });
  ctx.azure = createAzureChecker(optionsFor(ctx.az));
});
test.after(async (ctx) => { await ctx.az.stop(); });
test.before.each((ctx) => { ctx.az.behaviour.clearModes(); ctx.az.behaviour.resetCalls(); });

const check = (azure: Checker, id = SUB, ms = 5000) => azure.check(id, AbortSignal.timeout(ms));

test('ok: the subscription is readable → available; the token is cached', async ({ az, azure }) => {
  assert.equal(await check(azure), { kind: 'available' });
  assert.equal(await check(azure), { kind: 'available' });
  assert.is(az.calls.byVerdict.ok, 2);
  assert.is(az.tokenCalls.issued, 1, 'one token for both checks');
});

test('denied: AuthorizationFailed → unavailable', async ({ az, azure }) => {
  az.setMode(SUB, 'denied');
  assert.equal(await check(azure), { kind: 'unavailable', code: 'access_denied', error: `The Azure subscription ${SUB} cannot be read: access denied.` });
});

test('not found: SubscriptionNotFound → unavailable', async ({ az, azure }) => {
  az.setMode(SUB, 'not-found');
  const outcome = await check(azure);
  assert.ok(outcome.kind === 'unavailable' && outcome.code === 'not_found');
});

test('throttled: 429 with Retry-After → transient throttle carrying the hint, no SDK retry', async ({ az, azure }) => {
  az.setMode(SUB, 'throttled');
  assert.equal(await check(azure), { kind: 'transient', reason: 'azure SubscriptionRequestsThrottled: throttled', throttled: true, retryAfterMs: 7000 });
  assert.is(az.calls.total, 1);
});

test('5xx → transient', async ({ az, azure }) => {
  az.setMode(SUB, 'server-error');
  const outcome = await check(azure);
  assert.ok(outcome.kind === 'transient' && !outcome.throttled);
  assert.is(az.calls.total, 1, 'the pipeline did not retry by itself');
});

test('slow → transient timeout at the deadline', async ({ az, azure }) => {
  await check(azure); // token first, so the deadline measures the ARM call
  az.setMode(SUB, { slow: 1000 });
  const started = Date.now();
  assert.equal(await check(azure, SUB, 150), { kind: 'transient', reason: 'timeout', throttled: false });
  assert.ok(Date.now() - started < 900);
  await waitFor(() => az.abandoned.count === 1, 'the SDK closed the request it gave up on');
});

test('an invalid subscription id is unavailable without any call', async ({ az, azure }) => {
  const outcome = await check(azure, 'not-a-uuid');
  assert.ok(outcome.kind === 'unavailable' && outcome.code === 'invalid_identifier');
  assert.is(az.calls.total, 0);
});

test('our client secret rejected → transient, never unavailable', async ({ az }) => {
  const wrong = createAzureChecker({ ...optionsFor(az), clientSecret: 'wrong' });
  const outcome = await check(wrong);
  assert.is(outcome.kind, 'transient');
  assert.is(az.calls.total, 0, 'ARM never saw a request');
});

test('without the emulator CA the TLS handshake fails → transient (no insecure fallback)', async ({ az }) => {
  const untrusting = createAzureChecker({ ...optionsFor(az), ca: undefined });
  const tokensBefore = az.tokenCalls.issued + az.tokenCalls.rejected;
  const outcome = await check(untrusting);
  assert.is(outcome.kind, 'transient');
  assert.is(az.tokenCalls.issued + az.tokenCalls.rejected, tokensBefore, 'no token request got through TLS');
  assert.is(az.calls.total, 0);
});

test('plain http endpoints are refused at construction', ({ az }) => {
  assert.throws(() => createAzureChecker({ ...optionsFor(az), authorityHost: az.url.replace('https', 'http') }), /authorityHost must be an https:\/\/ URL/);
  assert.throws(() => createAzureChecker({ ...optionsFor(az), armEndpoint: 'http://127.0.0.1:1' }), /armEndpoint must be an https:\/\/ URL/);
  assert.throws(() => createAzureChecker({ ...optionsFor(az), clientSecret: '' }), /clientSecret is required/);
});

test('no SDK connected anywhere but 127.0.0.1 (no real cloud, no metadata server)', () => {
  assert.equal(guard.refused, []);
});

test.after(() => guard.uninstall());

test.run();
