import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ManualClock, systemClock } from '../../src/streams/clock.ts';

test('manual clock fires due timers in time order, each at its own time', () => {
  const clock = new ManualClock(100);
  const fired: [string, number][] = [];
  clock.schedule(30, () => fired.push(['b', clock.now()]));
  clock.schedule(10, () => {
    fired.push(['a', clock.now()]);
    clock.schedule(5, () => fired.push(['nested', clock.now()]));
  });
  const cancel = clock.schedule(20, () => fired.push(['cancelled', clock.now()]));
  cancel();
  assert.is(clock.nextTimerAt(), 110);
  clock.advance(50);
  assert.equal(fired, [['a', 110], ['nested', 115], ['b', 130]]);
  assert.is(clock.now(), 150);
  assert.is(clock.pendingTimers, 0);
  assert.is(clock.nextTimerAt(), undefined);
  assert.throws(() => clock.advance(-1), /ms must be >= 0/);
});

test('ties fire in scheduling order', () => {
  const clock = new ManualClock();
  const fired: number[] = [];
  for (let i = 0; i < 5; i++) clock.schedule(10, () => fired.push(i));
  clock.advance(10);
  assert.equal(fired, [0, 1, 2, 3, 4]);
});

test('system clock schedules real timers that can be cancelled', async () => {
  let fired = 0;
  systemClock.schedule(1, () => fired++);
  const cancel = systemClock.schedule(1, () => fired++);
  cancel();
  await new Promise((r) => setTimeout(r, 20));
  assert.is(fired, 1);
  assert.ok(Math.abs(systemClock.now() - Date.now()) < 1000);
});

test.run();
