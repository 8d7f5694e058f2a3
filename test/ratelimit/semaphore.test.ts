import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Semaphore } from '../../src/ratelimit/semaphore.ts';
import { flush } from './fake-clock.ts';

test('admits up to the limit, then queues FIFO', async () => {
  const sem = new Semaphore(2);
  const r1 = await sem.acquire();
  const r2 = await sem.acquire();
  const order: number[] = [];
  const later = [3, 4].map((i) => sem.acquire().then((release) => { order.push(i); return release; }));
  await flush();
  assert.is(sem.inUse, 2);
  assert.is(sem.queued, 2);
  r1();
  await flush();
  assert.equal(order, [3]);
  r2();
  r2(); // a second release of the same permit is ignored
  await flush();
  assert.equal(order, [3, 4]);
  assert.is(sem.inUse, 2);
  for (const release of await Promise.all(later)) release();
  assert.is(sem.inUse, 0);
});

test('an aborted waiter leaves the queue', async () => {
  const sem = new Semaphore(1);
  const release = await sem.acquire();
  const controller = new AbortController();
  const waiting = sem.acquire(controller.signal);
  controller.abort();
  try { await waiting; assert.unreachable(); } catch (err) { assert.is((err as Error).name, 'AbortError'); }
  assert.is(sem.queued, 0);
  release();
  assert.is(sem.inUse, 0, 'the slot was not handed to the aborted waiter');
});

test('rejects a bad limit', () => {
  assert.throws(() => new Semaphore(0), /positive integer/);
  assert.throws(() => new Semaphore(1.5), /positive integer/);
});

test.run();
