import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../src/ingress/http-error.ts';
import { publishWithTimeout } from '../../src/ingress/publish.ts';

const RECORD = { key: Buffer.from('1'), value: Buffer.from('{}'), headers: [] };

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, HttpError);
    return err as HttpError;
  }
  return assert.unreachable('expected a rejection') as never;
}

test('resolves with the publish and passes topic and record through', async () => {
  const seen: unknown[] = [];
  await publishWithTimeout(async (topic, record) => { seen.push(topic, record); }, 't', RECORD, 100);
  assert.equal(seen, ['t', RECORD]);
});

test('a rejected or throwing publish becomes 503 with the cause kept', async () => {
  const cause = new Error('broker down');
  const err = await rejection(publishWithTimeout(async () => { throw cause; }, 't', RECORD, 100));
  assert.is(err.status, 503);
  assert.is(err.cause, cause);
  assert.is((await rejection(publishWithTimeout(() => { throw cause; }, 't', RECORD, 100))).status, 503);
});

test('a publish that never settles becomes 503 after the timeout', async () => {
  const started = performance.now();
  const err = await rejection(publishWithTimeout(() => new Promise<void>(() => {}), 't', RECORD, 30));
  assert.is(err.status, 503);
  assert.match(err.message, /within 30 ms/);
  assert.ok(performance.now() - started >= 25);
});

test.run();
