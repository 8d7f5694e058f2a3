// The JSON codec: JSON values round-trip; what has no JSON form, or is not JSON, is an error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { jsonValueCodec, StoreError } from '../../../src/streams/store/index.ts';

test('JSON values round-trip', () => {
  fc.assert(fc.property(fc.jsonValue(), (value) => {
    assert.equal(jsonValueCodec.decode(jsonValueCodec.encode(value)), JSON.parse(JSON.stringify(value)));
  }));
});

test('undefined and non-JSON bytes are codec errors', () => {
  for (const fn of [() => jsonValueCodec.encode(undefined), () => jsonValueCodec.decode(new TextEncoder().encode('{')), () => jsonValueCodec.decode(new Uint8Array([0xff]))]) {
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
