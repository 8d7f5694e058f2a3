import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError } from '../../src/http/http-error.ts';
import { publishWithin, publishWithTimeout } from '../../src/ingress/publish.ts';

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

test('publishWithin: done once with undefined on success, an HttpError from publish passes through', async () => {
  const outcomes: Array<HttpError | undefined> = [];
  await new Promise<void>((resolve) => publishWithin(async () => {}, 't', RECORD, 100, (e) => { outcomes.push(e); resolve(); }));
  const own = new HttpError(503, 'ours');
  await new Promise<void>((resolve) => publishWithin(async () => { throw own; }, 't', RECORD, 100, (e) => { outcomes.push(e); resolve(); }));
  assert.equal(outcomes, [undefined, own]);
  await new Promise((resolve) => setTimeout(resolve, 150)); // no late second call from the deadline
  assert.is(outcomes.length, 2);
});

test('publishWithin: a synchronous throw is told before it returns; a late resolve after the deadline is ignored', async () => {
  let told: HttpError | undefined;
  publishWithin(() => { throw new Error('sync'); }, 't', RECORD, 100, (e) => { told = e; });
  assert.is(told?.status, 503);
  let resolveLate!: () => void;
  const outcomes: Array<HttpError | undefined> = [];
  await new Promise<void>((resolve) => publishWithin(() => new Promise<void>((r) => { resolveLate = r; }), 't', RECORD, 20, (e) => { outcomes.push(e); resolve(); }));
  resolveLate();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.is(outcomes.length, 1);
  assert.match(outcomes[0]!.message, /within 20 ms/);
});

test.run();
