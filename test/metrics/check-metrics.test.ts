import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Registry } from 'prom-client';
import { ACCOUNT_CHECKS_METRIC, checkLabels, CHECK_DURATION_METRIC, CHECK_REQUESTS_METRIC, createCheckMetrics, MISSING_PERMISSIONS_METRIC, TRANSIENT_ERROR_LABELS } from '../../src/metrics/index.ts';
import type { CheckOutcome } from '../../src/checks/types.ts';

const transient = (reason: string, throttled = false): CheckOutcome => ({ kind: 'transient', reason, throttled });

test('labels: available, unavailable by code, transient by a bounded class (never the free text)', () => {
  assert.equal(checkLabels({ kind: 'available' }), { status: 'available', error: '' });
  assert.equal(checkLabels({ kind: 'unavailable', code: 'not_found', error: 'The subscription 123 was not found.' }), { status: 'unavailable', error: 'not_found' });
  const cases: [CheckOutcome, string][] = [
    [transient('aws Throttling: throttled', true), 'throttled'],
    [transient('timeout'), 'timeout'],
    [transient('cancelled'), 'cancelled'],
    [transient('network: ECONNREFUSED'), 'network'],
    [transient('aws InvalidClientTokenId: our credentials were rejected'), 'our_credentials'],
    [transient('azure AuthenticationFailed: our token was rejected'), 'our_credentials'],
    [transient("gcp PERMISSION_DENIED SERVICE_DISABLED: our project's problem"), 'our_credentials'],
    [transient('azure token request failed: AADSTS7000215'), 'our_credentials'],
    [transient('aws InternalFailure (HTTP 500)'), 'error'],
  ];
  for (const [outcome, error] of cases) {
    assert.equal(checkLabels(outcome), { status: 'transient', error }, JSON.stringify(outcome));
    assert.ok((TRANSIENT_ERROR_LABELS as readonly string[]).includes(error));
  }
});

test('every attempt counts once under the first implementation\'s names, with its duration in ms', async () => {
  const registry = new Registry();
  const metrics = createCheckMetrics(registry);
  metrics.observeAttempt({ provider: 'aws', attempt: 1, outcome: transient('throttled', true), durationMs: 40 });
  metrics.observeAttempt({ provider: 'aws', attempt: 2, outcome: { kind: 'available' }, durationMs: 120 });
  metrics.observeAttempt({ provider: 'gcp', attempt: 1, outcome: { kind: 'unavailable', code: 'access_denied', error: 'no' }, durationMs: 7 });
  const text = await registry.metrics();
  assert.ok(text.includes(`${CHECK_REQUESTS_METRIC}{type="aws",status="transient",error="throttled"} 1`), text);
  assert.ok(text.includes(`${CHECK_REQUESTS_METRIC}{type="aws",status="available",error=""} 1`));
  assert.ok(text.includes(`${CHECK_REQUESTS_METRIC}{type="gcp",status="unavailable",error="access_denied"} 1`));
  assert.ok(text.includes(`${CHECK_DURATION_METRIC}_sum{type="aws",error=""} 120`));
  assert.ok(text.includes(`${CHECK_DURATION_METRIC}_bucket{le="10",type="gcp",error="access_denied"} 1`));
  assert.ok(text.includes(`${CHECK_DURATION_METRIC}_bucket{le="25",type="aws",error="throttled"} 0`));
});

test('each checked account counts once by final outcome; missing permissions count by permission', async () => {
  const registry = new Registry();
  const metrics = createCheckMetrics(registry);
  const missing: CheckOutcome = { kind: 'unavailable', code: 'missing_permissions', error: 'Missing AWS permissions ec2:CreateTags, ec2:RunInstances', missing: ['ec2:CreateTags', 'ec2:RunInstances'] };
  metrics.observeOutcome({ provider: 'aws', outcome: missing });
  metrics.observeOutcome({ provider: 'aws', outcome: { ...missing, missing: ['ec2:RunInstances'] } });
  metrics.observeOutcome({ provider: 'gcp', outcome: { kind: 'available' } });
  const text = await registry.metrics();
  assert.ok(text.includes(`${ACCOUNT_CHECKS_METRIC}{type="aws",status="unavailable",error="missing_permissions"} 2`), text);
  assert.ok(text.includes(`${ACCOUNT_CHECKS_METRIC}{type="gcp",status="available",error=""} 1`));
  assert.ok(text.includes(`${MISSING_PERMISSIONS_METRIC}{type="aws",permission="ec2:RunInstances"} 2`));
  assert.ok(text.includes(`${MISSING_PERMISSIONS_METRIC}{type="aws",permission="ec2:CreateTags"} 1`));
});

test.run();
