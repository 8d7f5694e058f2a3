// The AWS checker through the real @aws-sdk/client-sts against the STS emulator, every mode.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createAwsChecker } from '../../src/checks/aws.ts';
import type { Checker } from '../../src/checks/types.ts';
import { startStsEmulator, type StsEmulator } from '../emulators/sts.ts';
import { installLoopbackGuard } from '../emulators/loopback-only.ts';
import { waitFor } from '../emulators/wait-for.ts';

const ARN = 'arn:aws:iam::123456789012:role/provisioning';
const guard = installLoopbackGuard();
const test = suite<{ sts: StsEmulator; aws: Checker }>('aws checker', {} as never);

test.before(async (ctx) => {
  ctx.sts = await startStsEmulator();
  ctx.aws = createAwsChecker({ region: 'us-east-1', endpoint: ctx.sts.url, credentials: { accessKeyId: ctx.sts.accessKeyId, secretAccessKey: 'emulator-secret' } });
});
test.after(async (ctx) => { await ctx.sts.stop(); });
test.before.each((ctx) => { ctx.sts.behaviour.clearModes(); ctx.sts.behaviour.resetCalls(); });

const check = (aws: Checker, arn = ARN, ms = 2000) => aws.check(arn, AbortSignal.timeout(ms));

test('ok: AssumeRole succeeds → available', async ({ sts, aws }) => {
  const outcome = await check(aws);
  assert.is(outcome.kind, 'available');
  assert.match(outcome.kind === 'available' ? outcome.credentials?.accessKeyId ?? '' : '', /^ASIA/, 'the session credentials, for the permission check');
  assert.is(sts.calls.byVerdict.ok, 1);
});

test('denied: AccessDenied → unavailable with a sentence naming the role', async ({ sts, aws }) => {
  sts.setMode(ARN, 'denied');
  assert.equal(await check(aws), { kind: 'unavailable', code: 'access_denied', error: `The IAM role ${ARN} cannot be assumed: access denied.` });
});

test('not found: STS says AccessDenied for a missing role too → unavailable', async ({ sts, aws }) => {
  sts.setMode(ARN, 'not-found');
  const outcome = await check(aws);
  assert.is(outcome.kind, 'unavailable');
});

test('throttled: Throttling → transient, marked as a throttle', async ({ sts, aws }) => {
  sts.setMode(ARN, 'throttled');
  const outcome = await check(aws);
  assert.is(outcome.kind, 'transient');
  assert.ok(outcome.kind === 'transient' && outcome.throttled);
  assert.is(sts.calls.total, 1, 'the SDK did not retry by itself');
});

test('throttled by a real bucket: ok until the burst is spent', async ({ sts, aws }) => {
  sts.setMode(ARN, { throttled: { ratePerSec: 0.001, burst: 2 } });
  const kinds = [];
  for (let i = 0; i < 3; i++) kinds.push((await check(aws)).kind);
  assert.equal(kinds, ['available', 'available', 'transient']);
});

test('5xx: InternalFailure → transient, not a throttle', async ({ sts, aws }) => {
  sts.setMode(ARN, 'server-error');
  const outcome = await check(aws);
  assert.equal(outcome, { kind: 'transient', reason: 'aws InternalFailure (HTTP 500)', throttled: false });
});

test('slow: the signal aborts the call → transient timeout', async ({ sts, aws }) => {
  sts.setMode(ARN, { slow: 1000 });
  const started = Date.now();
  assert.equal(await check(aws, ARN, 100), { kind: 'transient', reason: 'timeout', throttled: false });
  assert.ok(Date.now() - started < 900, 'returned at the deadline, not when the server answered');
  await waitFor(() => sts.abandoned.count === 1, 'the SDK closed the request it gave up on');
});

test('an invalid ARN is unavailable without any call', async ({ sts, aws }) => {
  for (const bad of ['arn:aws:iam::123:role/x', 'arn:aws:iam::123456789012:user/bob', 'role/x', '']) {
    const outcome = await check(aws, bad);
    assert.is(outcome.kind, 'unavailable', bad);
    assert.ok(outcome.kind === 'unavailable' && outcome.code === 'invalid_identifier');
  }
  assert.is(sts.calls.total, 0);
});

test('our credentials rejected (InvalidClientTokenId) → transient, never the customer\'s fault', async ({ sts }) => {
  const wrong = createAwsChecker({ region: 'us-east-1', endpoint: sts.url, credentials: { accessKeyId: 'AKIANOTOURS', secretAccessKey: 'x' } });
  const outcome = await check(wrong);
  assert.is(outcome.kind, 'transient');
  assert.match(outcome.kind === 'transient' ? outcome.reason : '', /InvalidClientTokenId/);
});

test('nothing listening → transient network error', async () => {
  const down = await startStsEmulator();
  await down.stop();
  const aws = createAwsChecker({ region: 'us-east-1', endpoint: down.url, credentials: { accessKeyId: down.accessKeyId, secretAccessKey: 'x' } });
  const outcome = await check(aws);
  assert.is(outcome.kind, 'transient');
  assert.match(outcome.kind === 'transient' ? outcome.reason : '', /network/);
});

test('rejects missing options with a clear error', () => {
  assert.throws(() => createAwsChecker({ region: '', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }), /region is required/);
  assert.throws(() => createAwsChecker({ region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: 'b' } }), /accessKeyId is required/);
  const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
  assert.throws(() => createAwsChecker({ region: 'us-east-1', credentials, roleSessionName: 'has space' }), /roleSessionName "has space" is not valid/);
  assert.throws(() => createAwsChecker({ region: 'us-east-1', credentials, externalId: 'x' }), /externalId is not valid/);
});

test('no SDK connected anywhere but 127.0.0.1 (no real cloud, no metadata server)', () => {
  assert.equal(guard.refused, []);
});

test.after(() => guard.uninstall());

test.run();
