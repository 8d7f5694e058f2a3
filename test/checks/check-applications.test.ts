import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApplicationChecks, toApplicationStatus } from '../../src/checks/check-applications.ts';
import type { CheckOutcome, Checker } from '../../src/checks/types.ts';
import type { ApplicationAuthentication, Provider } from '../../src/domain/types.ts';

function fixed(provider: Provider, answers: Record<string, CheckOutcome>) {
  const calls: string[] = [];
  const checker: Checker = {
    provider,
    check: async (ref) => { calls.push(ref); return answers[ref] ?? { kind: 'available' }; },
  };
  return { checker, calls };
}

const auth = (applicationId: string, provider: Provider, accountRef: string): ApplicationAuthentication => ({ applicationId, provider, accountRef });

test('toApplicationStatus: definitive outcomes map to statuses, transient to nothing', () => {
  assert.equal(toApplicationStatus('1', { kind: 'available' }), { applicationId: '1', status: 'available', error: '' });
  assert.equal(toApplicationStatus('1', { kind: 'unavailable', code: 'not_found', error: 'Gone.' }), { applicationId: '1', status: 'unavailable', error: 'Gone.' });
  assert.is(toApplicationStatus('1', { kind: 'transient', reason: 'x', throttled: true }), undefined);
});

test('statuses for definitive outcomes, transient ones apart, in authentication order', async () => {
  const aws = fixed('aws', { 'arn:denied': { kind: 'unavailable', code: 'access_denied', error: 'Denied.' } });
  const gcp = fixed('gcp', { flaky: { kind: 'transient', reason: 'gcp UNAVAILABLE', throttled: false } });
  const check = createApplicationChecks({ checkers: { aws: aws.checker, gcp: gcp.checker }, policy: { maxAttempts: 1 } });
  const result = await check([auth('1', 'aws', 'arn:ok'), auth('2', 'aws', 'arn:denied'), auth('3', 'gcp', 'flaky'), auth('4', 'azure', 'sub')]);
  assert.equal(result.statuses, [
    { applicationId: '1', status: 'available', error: '' },
    { applicationId: '2', status: 'unavailable', error: 'Denied.' },
  ]);
  assert.equal(result.transient, [
    { applicationId: '3', provider: 'gcp', reason: 'gcp UNAVAILABLE', throttled: false },
    { applicationId: '4', provider: 'azure', reason: 'no azure checker configured', throttled: false },
  ]);
});

test('one cloud call per distinct account, shared by its applications', async () => {
  const aws = fixed('aws', {});
  const check = createApplicationChecks({ checkers: { aws: aws.checker } });
  const result = await check([auth('1', 'aws', 'arn:a'), auth('2', 'aws', 'arn:a'), auth('3', 'aws', 'arn:b')]);
  assert.equal(aws.calls, ['arn:a', 'arn:b']);
  assert.is(result.statuses.length, 3);
});

test('attempt reports carry the provider and account', async () => {
  const aws = fixed('aws', {});
  const seen: string[] = [];
  const check = createApplicationChecks({ checkers: { aws: aws.checker }, onAttempt: (r) => seen.push(`${r.provider} ${r.accountRef} #${r.attempt} ${r.outcome.kind}`) });
  await check([auth('1', 'aws', 'arn:a')]);
  assert.equal(seen, ['aws arn:a #1 available']);
});

test.run();
