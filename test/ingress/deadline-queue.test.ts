import { spawnSync } from 'node:child_process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DeadlineQueue } from '../../src/ingress/deadline-queue.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('an unsettled deadline expires after the timeout, not before', async () => {
  const queue = new DeadlineQueue(30);
  const started = performance.now();
  const expired = await new Promise<number>((resolve) => { queue.add(() => resolve(performance.now() - started)); });
  assert.ok(expired >= 30, `expired after ${expired} ms`);
  assert.ok(expired < 1000, `expired after ${expired} ms`);
  assert.is(queue.pending, false);
});

test('a settled deadline never expires; settle is true only the first time', async () => {
  const queue = new DeadlineQueue(20);
  let expired = 0;
  const deadline = queue.add(() => { expired++; });
  assert.is(queue.pending, true);
  assert.is(deadline.settle(), true);
  assert.is(deadline.settle(), false);
  assert.is(queue.pending, false);
  await sleep(50);
  assert.is(expired, 0);
});

test('deadlines expire in the order they were set, settled ones skipped, later ones re-armed', async () => {
  const queue = new DeadlineQueue(20);
  const order: string[] = [];
  queue.add(() => order.push('a'));
  const b = queue.add(() => order.push('b'));
  queue.add(() => order.push('c'));
  b.settle();
  await sleep(10);
  // set while the timer is armed for the first three: expires on a re-armed timer, on time
  const started = performance.now();
  let lateAt = 0;
  queue.add(() => { order.push('d'); lateAt = performance.now() - started; });
  await sleep(60);
  assert.equal(order, ['a', 'c', 'd']);
  assert.ok(lateAt >= 20, `d expired after ${lateAt} ms`);
  assert.is(queue.pending, false);
});

test('a deadline settled from the middle, head or tail of the list leaves the rest intact', async () => {
  const queue = new DeadlineQueue(15);
  const order: number[] = [];
  const deadlines = [0, 1, 2, 3, 4].map((i) => queue.add(() => order.push(i)));
  deadlines[0]!.settle();
  deadlines[2]!.settle();
  deadlines[4]!.settle();
  await sleep(40);
  assert.equal(order, [1, 3]);
  assert.is(deadlines[1]!.settle(), false); // expired already
});

test('many deadlines: one expiry each, none for the settled half', async () => {
  const queue = new DeadlineQueue(10);
  let expired = 0;
  const deadlines = Array.from({ length: 1000 }, () => queue.add(() => { expired++; }));
  deadlines.forEach((d, i) => { if (i % 2 === 0) d.settle(); });
  await sleep(40);
  assert.is(expired, 500);
});

test('a queue with nothing pending does not hold the process open', () => {
  const script = `
    import { DeadlineQueue } from ${JSON.stringify(new URL('../../src/ingress/deadline-queue.ts', import.meta.url).href)};
    const queue = new DeadlineQueue(20_000);
    queue.add(() => {}).settle();`;
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 15_000 });
  assert.is(child.status, 0, child.stderr);
  assert.ok(performance.now() - started < 15_000);
});

test('invalid timeouts are refused', () => {
  assert.throws(() => new DeadlineQueue(-1), /timeoutMs/);
  assert.throws(() => new DeadlineQueue(Number.NaN), /timeoutMs/);
});

test.run();
