import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { OffsetTracker } from '../../../src/streams/task/offset-tracker.ts';
import type { TaskError } from '../../../src/streams/task/errors.ts';

test('committable = first unfinished offset, or last + 1 when all are finished (property, against a model)', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.nat()), { minLength: 1, maxLength: 200 }),
    (steps) => {
      const tracker = new OffsetTracker();
      const begun: number[] = [];
      const finishers = new Map<number, () => void>();
      const finished = new Set<number>();
      let next = 10;
      for (const [gap, pick] of steps) {
        // begin a record (offsets may have gaps, as after compaction) or finish a random open one
        const open = begun.filter((o) => !finished.has(o));
        if (pick % 3 !== 0 || open.length === 0) {
          finishers.set(next, tracker.begin('t', 0, next));
          begun.push(next);
          next += gap;
        } else {
          const offset = open[pick % open.length]!;
          finishers.get(offset)!();
          finished.add(offset);
        }
        const firstOpen = begun.find((o) => !finished.has(o));
        const expected = firstOpen ?? begun.at(-1)! + 1;
        assert.equal(tracker.committable(), [{ topic: 't', partition: 0, offset: expected }]);
        assert.is(tracker.unfinished, begun.length - finished.size);
      }
    },
  ));
});

test('partitions are independent; load and per-topic counts', () => {
  const tracker = new OffsetTracker();
  tracker.begin('a', 0, 0);
  const finishA10 = tracker.begin('a', 1, 0);
  tracker.begin('a', 1, 1);
  tracker.begin('b', 0, 4);
  finishA10();
  assert.equal(tracker.committable(), [{ topic: 'a', partition: 0, offset: 0 }, { topic: 'a', partition: 1, offset: 1 }, { topic: 'b', partition: 0, offset: 4 }]);
  assert.is(tracker.unfinishedIn('a'), 2);
  assert.is(tracker.unfinishedIn('a', 1), 1);
  assert.is(tracker.unfinishedIn('c'), 0);
  assert.equal(tracker.load(), [{ topic: 'a', partition: 0, unfinished: 1 }, { topic: 'a', partition: 1, unfinished: 1 }, { topic: 'b', partition: 0, unfinished: 1 }]);
});

test('offsets must increase within a partition', () => {
  const tracker = new OffsetTracker();
  tracker.begin('a', 0, 3);
  assert.throws(() => tracker.begin('a', 0, 3), (e: TaskError) => e.code === 'TASK_OFFSET_OUT_OF_ORDER');
  assert.throws(() => tracker.begin('a', 0, 2.5), (e: TaskError) => e.code === 'TASK_OFFSET_OUT_OF_ORDER');
});

test('a long run keeps memory bounded (finished prefix is dropped) and stays correct', () => {
  const tracker = new OffsetTracker();
  let finishPrevious = () => {};
  for (let i = 0; i < 10_000; i++) {
    const finish = tracker.begin('t', 0, i);
    finishPrevious();
    finishPrevious = finish;
  }
  assert.equal(tracker.committable(), [{ topic: 't', partition: 0, offset: 9999 }]);
  finishPrevious();
  assert.equal(tracker.committable(), [{ topic: 't', partition: 0, offset: 10_000 }]);
});

test('a forgotten partition restarts anywhere; records of the old assignment no longer count', () => {
  const tracker = new OffsetTracker();
  tracker.begin('t', 0, 0);
  const finishOld = tracker.begin('t', 0, 1);
  tracker.forget('t', 0);
  assert.is(tracker.unfinished, 0);
  assert.equal(tracker.committable(), []);
  tracker.begin('t', 0, 1); // re-read after reassignment
  finishOld(); // the old record finishing late must not finish the re-read one
  assert.equal(tracker.committable(), [{ topic: 't', partition: 0, offset: 1 }]);
  assert.is(tracker.unfinished, 1);
});

test.run();
