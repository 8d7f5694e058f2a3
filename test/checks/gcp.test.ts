// The GCP checker through the real @google-cloud/resource-manager (REST transport, self-signed
// service-account JWT) against the Resource Manager emulator, every mode.
import { generateKeyPairSync } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createGcpChecker, type GcpCheckerOptions } from '../../src/checks/gcp.ts';
import type { Checker } from '../../src/checks/types.ts';
import { startGcpEmulator, type GcpEmulator } from '../emulators/gcp.ts';
import { installLoopbackGuard } from '../emulators/loopback-only.ts';
import { waitFor } from '../emulators/wait-for.ts';

const PROJECT = 'customer-project-42';
const guard = installLoopbackGuard();
const test = suite<{ g: GcpEmulator; gcp: Checker }>('gcp checker', {} as never);
const optionsFor = (g: GcpEmulator): GcpCheckerOptions => ({ credentials: g.serviceAccount, apiEndpoint: g.host, port: g.port, protocol: 'http' });

test.before(async (ctx) => {
  ctx.g = await startGcpEmulator();
  ctx.gcp = createGcpChecker(optionsFor(ctx.g));
});
test.after(async (ctx) => { await ctx.g.stop(); });
test.before.each((ctx) => { ctx.g.behaviour.clearModes(); ctx.g.behaviour.resetCalls(); });

const check = (gcp: Checker, id = PROJECT, ms = 5000) => gcp.check(id, AbortSignal.timeout(ms));

test('ok: projects.get succeeds with a verified self-signed JWT → available', async ({ g, gcp }) => {
  assert.equal(await check(gcp), { kind: 'available' });
  assert.is(g.calls.byVerdict.ok, 1);
  assert.is(g.unauthenticated, 0);
});

test('project numbers are accepted too', async ({ gcp }) => {
  assert.equal(await check(gcp, '415104041262'), { kind: 'available' });
});

test('denied: PERMISSION_DENIED → unavailable', async ({ g, gcp }) => {
  g.setMode(PROJECT, 'denied');
  assert.equal(await check(gcp), { kind: 'unavailable', code: 'access_denied', error: `The GCP project ${PROJECT} cannot be read: permission denied, or the project does not exist.` });
});

test('not found: NOT_FOUND → unavailable', async ({ g, gcp }) => {
  g.setMode(PROJECT, 'not-found');
  const outcome = await check(gcp);
  assert.ok(outcome.kind === 'unavailable' && outcome.code === 'not_found');
});

test('throttled: RESOURCE_EXHAUSTED → transient throttle, one request only', async ({ g, gcp }) => {
  g.setMode(PROJECT, 'throttled');
  assert.equal(await check(gcp), { kind: 'transient', reason: 'gcp RESOURCE_EXHAUSTED: throttled', throttled: true });
  assert.is(g.calls.total, 1);
});

test('5xx: UNAVAILABLE → transient, not retried by the SDK', async ({ g, gcp }) => {
  g.setMode(PROJECT, 'server-error');
  assert.equal(await check(gcp), { kind: 'transient', reason: 'gcp UNAVAILABLE', throttled: false });
  assert.is(g.calls.total, 1);
});

test('slow → transient timeout at the deadline', async ({ g, gcp }) => {
  g.setMode(PROJECT, { slow: 1000 });
  const started = Date.now();
  assert.equal(await check(gcp, PROJECT, 150), { kind: 'transient', reason: 'timeout', throttled: false });
  assert.ok(Date.now() - started < 900);
  await waitFor(() => g.abandoned.count === 1, 'the SDK closed the request it gave up on');
});

test('an invalid project id is unavailable without any call', async ({ g, gcp }) => {
  for (const bad of ['Bad_Project', 'abc', 'projects/x/y', '']) {
    const outcome = await check(gcp, bad);
    assert.ok(outcome.kind === 'unavailable' && outcome.code === 'invalid_identifier', bad);
  }
  assert.is(g.calls.total + g.unauthenticated, 0);
});

test('a key the emulator does not know → UNAUTHENTICATED → transient', async ({ g }) => {
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const wrong = createGcpChecker({ ...optionsFor(g), credentials: { ...g.serviceAccount, private_key: stranger } });
  const outcome = await check(wrong);
  assert.is(outcome.kind, 'transient');
  assert.is(g.unauthenticated, 1);
});

test('rejects missing credentials and a bad protocol', ({ g }) => {
  assert.throws(() => createGcpChecker({ credentials: { client_email: '', private_key: 'k' } }), /client_email and credentials.private_key are required/);
  assert.throws(() => createGcpChecker({ ...optionsFor(g), protocol: 'ftp' as 'http' }), /protocol must be/);
});

test('no SDK connected anywhere but 127.0.0.1 (no real cloud, no metadata server)', () => {
  assert.equal(guard.refused, []);
});

test.after(() => guard.uninstall());

test.run();
