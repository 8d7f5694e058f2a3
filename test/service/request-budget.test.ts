// What one request may cost, whatever layer retries (the check step, the cloud check, the Sources
// client), with the default configuration: at most CHECK_MAX_ATTEMPTS reachability calls and
// CHECK_MAX_ATTEMPTS failed permission reads per account, and at most 3 failed Sources requests.
// The service runs whole on the embedded log, against the emulators; the request ends on the
// dead-letter topic, never as "unavailable".
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { collectEmbedded, startServiceUnderTest } from '../support/service.ts';

const ROLE = 'arn:aws:iam::123456789012:role/always-throttled';

test('an account that always throttles costs at most CHECK_MAX_ATTEMPTS (5) cloud calls and one Sources lookup', async () => {
  const sut = await startServiceUnderTest({}, { seedDemo: false });
  try {
    assert.is(sut.config.checks.maxAttempts, 5, 'the default configuration');
    sut.emulators.sources.seed('5001', { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: ROLE, resource_id: '6001' }] });
    sut.emulators.sts.setMode(ROLE, 'throttled');
    const deadLetters = collectEmbedded(sut.service, sut.config.topics.deadLetter, 1, 240_000);
    assert.is(await sut.post('5001'), 202);
    const [dead] = await deadLetters;
    assert.match(dead!.headers['dead-letter-reason'] ?? '', /application 6001 \(aws\)/);
    const calls = sut.emulators.sts.calls.byAccount.get(ROLE) ?? 0;
    console.log(`always-throttled account: ${calls} cloud calls, dead-lettered as ${dead!.headers['dead-letter-code']}`);
    // at most: the account's own rate limiter may hold back an attempt until the check's time is up
    assert.ok(calls >= 1 && calls <= 5, `${calls} cloud calls`);
    assert.is(sut.emulators.sources.calls.byAccount.get('5001'), 1);
    assert.is(sut.service.embedded!.log.records(sut.config.topics.status).length, 0, 'nothing sent to Sources');
  } finally {
    await sut.stop();
  }
});

test('a reachable role whose IAM reads always throttle costs at most CHECK_MAX_ATTEMPTS (5) failed IAM reads', async () => {
  const sut = await startServiceUnderTest({}, { seedDemo: false });
  try {
    const role = 'arn:aws:iam::123456789012:role/iam-always-throttled';
    sut.emulators.sources.seed('5003', { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: role, resource_id: '6003' }] });
    sut.emulators.sts.iam.setMode(role, 'throttled');
    const deadLetters = collectEmbedded(sut.service, sut.config.topics.deadLetter, 1, 240_000);
    assert.is(await sut.post('5003'), 202);
    const [dead] = await deadLetters;
    const iamCalls = sut.emulators.sts.iam.calls.byAccount.get(role) ?? 0;
    const stsCalls = sut.emulators.sts.calls.byAccount.get(role) ?? 0;
    console.log(`IAM always throttled: ${iamCalls} IAM reads, ${stsCalls} STS calls, dead-lettered as ${dead!.headers['dead-letter-code']}`);
    assert.ok(iamCalls >= 1 && iamCalls <= 5, `${iamCalls} IAM reads`);
    assert.ok(stsCalls >= 1 && stsCalls <= 5, `${stsCalls} STS calls`);
    assert.is(sut.service.embedded!.log.records(sut.config.topics.status).length, 0, 'nothing sent to Sources');
  } finally {
    await sut.stop();
  }
});

test('Sources failing every time costs exactly 3 Sources requests and no cloud call', async () => {
  const sut = await startServiceUnderTest({}, { seedDemo: false });
  try {
    sut.emulators.sources.seed('5002', { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: ROLE, resource_id: '6002' }] });
    sut.emulators.sources.setMode('5002', 'server-error');
    const deadLetters = collectEmbedded(sut.service, sut.config.topics.deadLetter, 1, 240_000);
    assert.is(await sut.post('5002'), 202);
    await deadLetters;
    assert.is(sut.emulators.sources.calls.byAccount.get('5002'), 3);
    assert.is(sut.emulators.sts.calls.total, 0);
  } finally {
    await sut.stop();
  }
});

test.run();
