import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { backoffDelay, DEFAULT_RETRY_POLICY, TopologyException } from '../../../src/streams/dsl/index.ts';
import { normalizeRetryPolicy } from '../../../src/streams/dsl/retry-policy.ts';

test('exponential backoff, capped', () => {
  const policy = normalizeRetryPolicy('check', { maxAttempts: 6, initialBackoffMs: 100, multiplier: 2, maxBackoffMs: 500 });
  assert.equal([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n)), [100, 200, 400, 500, 500]);
});

test('defaults: one attempt, every error retryable', () => {
  const policy = normalizeRetryPolicy('check', undefined);
  assert.is(policy.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts);
  assert.ok(policy.retryable(new Error('x')));
  assert.ok(Object.isFrozen(policy));
});

test('bad values throw TOPOLOGY_INVALID_OPTION naming the field', () => {
  for (const bad of [{ maxAttempts: 0 }, { maxAttempts: 1.5 }, { initialBackoffMs: -1 }, { multiplier: 0.5 }, { retryable: 'yes' }]) {
    try {
      normalizeRetryPolicy('check', bad as never);
      assert.unreachable(JSON.stringify(bad));
    } catch (error) {
      assert.instance(error, TopologyException);
      assert.match((error as Error).message, new RegExp(`check: retry\\.${Object.keys(bad)[0]}`));
    }
  }
});

test.run();
