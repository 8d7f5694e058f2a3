// The JSON codec: JSON values round-trip; what has no JSON form, or is not JSON, is an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { jsonCodec, StoreError } from '../../../src/streams/store/index.ts';

test('JSON values round-trip', () => {
  fc.assert(fc.property(fc.jsonValue(), (value) => {
    assert.equal(jsonCodec.decode(jsonCodec.encode(value)), JSON.parse(JSON.stringify(value)));
  }));
});

test('undefined and non-JSON bytes are codec errors', () => {
  for (const fn of [() => jsonCodec.encode(undefined), () => jsonCodec.decode(new TextEncoder().encode('{')), () => jsonCodec.decode(new Uint8Array([0xff]))]) {
    try {
      fn();
      assert.unreachable();
    } catch (err) {
      assert.instance(err, StoreError);
      assert.match((err as StoreError).code, /STORE_CODEC_(EN|DE)CODE/);
    }
  }
});

test.run();
