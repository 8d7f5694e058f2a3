// Varints up to 2^53, and a reader that refuses to run past the end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { ByteReader, varintLength, writeVarint } from '../../../src/streams/store/varint.ts';
import { StoreError } from '../../../src/streams/store/errors.ts';

test('round-trips every safe integer in exactly varintLength bytes', () => {
  fc.assert(fc.property(fc.oneof(fc.nat(300), fc.maxSafeNat()), (n) => {
    const bytes = new Uint8Array(10);
    const end = writeVarint(bytes, 0, n);
    assert.is(end, varintLength(n));
    const reader = new ByteReader(bytes.subarray(0, end), 't');
    assert.is(reader.varint(), n);
    assert.ok(reader.done);
  }));
  assert.is(varintLength(127), 1);
  assert.is(varintLength(128), 2);
});

test('truncated input and over-long varints are decode errors', () => {
  for (const bytes of [[], [0x80], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]]) {
    try {
      new ByteReader(new Uint8Array(bytes), 'test').varint();
      assert.unreachable();
    } catch (err) {
      assert.instance(err, StoreError);
      assert.is((err as StoreError).code, 'STORE_CODEC_DECODE');
    }
  }
  assert.throws(() => new ByteReader(new Uint8Array([1]), 'test').slice(2), /truncated/);
});

test.run();
