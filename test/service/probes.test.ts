import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combineProbes } from '../../src/service/probes.ts';

test('ok only when every part is; the reason names the failing parts', () => {
  const parts = { worker: () => ({ ok: true, status: 'ready' }), ingress: () => ({ ok: true, status: 'ready' }) };
  assert.equal(combineProbes(parts, 'ready')(), { ok: true, status: 'ready', parts: { worker: { ok: true, status: 'ready' }, ingress: { ok: true, status: 'ready' } } });
  const failing = combineProbes({ ...parts, worker: () => ({ ok: false, status: 'unhealthy', reason: 'broker down' }), other: () => { throw new Error('bug'); } }, 'ready')();
  assert.is(failing.ok, false);
  assert.is(failing.status, 'not ready');
  assert.is(failing.reason, 'worker: broker down; other: bug');
});

test.run();
