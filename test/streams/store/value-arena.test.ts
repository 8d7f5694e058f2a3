// The byte arena: values come back intact, waste is counted, oversized values are refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAX_VALUE_BYTES, ValueArena } from '../../../src/streams/store/value-arena.ts';
import { StoreError } from '../../../src/streams/store/errors.ts';

test('stored values read back byte for byte, across chunk boundaries', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 3000 }), { maxLength: 200 }), (values) => {
    const arena = new ValueArena();
    const refs = values.map((v) => arena.store(v));
    const target = new Uint8Array(3000);
    values.forEach((v, i) => {
      assert.equal(Array.from(arena.view(refs[i]!, v.length)), Array.from(v));
      arena.copyOut(refs[i]!, v.length, target);
      assert.equal(Array.from(target.subarray(0, v.length)), Array.from(v));
    });
  }), { numRuns: 50 });
});

test('live and waste bytes account for released values and chunk tails', () => {
  const arena = new ValueArena();
  arena.store(new Uint8Array(10));
  arena.store(new Uint8Array(200));
  assert.is(arena.liveBytes, 210);
  arena.release(10);
  assert.is(arena.liveBytes, 200);
  assert.is(arena.wasteBytes, 10);
  assert.not.ok(arena.wantsCompaction, 'small waste is not worth a copy');
  arena.store(new Uint8Array(4000)); // does not fit the 4 KiB first chunk's tail
  assert.is(arena.wasteBytes, 10 + 4096 - 210);
  assert.is(arena.allocatedBytes, 4096 + 8192);
});

test('the largest value fits; one byte more is refused', () => {
  const arena = new ValueArena();
  const ref = arena.store(new Uint8Array(MAX_VALUE_BYTES).fill(7));
  assert.is(arena.view(ref, MAX_VALUE_BYTES).length, MAX_VALUE_BYTES);
  try {
    arena.store(new Uint8Array(MAX_VALUE_BYTES + 1));
    assert.unreachable();
  } catch (err) {
    assert.instance(err, StoreError);
    assert.is((err as StoreError).code, 'STORE_VALUE_TOO_LARGE');
  }
});

test.run();
