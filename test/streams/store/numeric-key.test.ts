// Which keys the TTL table keeps as numbers: only those whose decimal form comes back identical.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { NUMERIC_KEY_LIMIT, hashWords, highWord, joinWords, lowWord, parseNumericKey } from '../../../src/streams/store/numeric-key.ts';

test('canonical decimals below NUMERIC_KEY_LIMIT (2^40) parse; String() of the number gives the key back', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: NUMERIC_KEY_LIMIT - 1 }), (n) => {
    const key = String(n);
    assert.is(parseNumericKey(key), n);
    assert.is(joinWords(lowWord(n), highWord(n)), n);
    assert.ok(highWord(n) < 256, 'the high word fits 8 bits');
  }));
});

test('every other string is not numeric', () => {
  for (const key of ['', '00', '01', '-1', '+1', ' 1', '1 ', '1e3', '1.0', '0x10', 'abc', '١٢', String(NUMERIC_KEY_LIMIT), '281474976710655', '9007199254740993']) {
    assert.is(parseNumericKey(key), -1, JSON.stringify(key));
  }
  fc.assert(fc.property(fc.string(), (key) => {
    const n = parseNumericKey(key);
    if (n >= 0) assert.is(String(n), key);
  }));
});

test('the hash spreads sequential ids over the low bits', () => {
  const buckets = new Uint32Array(1024);
  for (let i = 0; i < 102_400; i++) buckets[hashWords(lowWord(i), 0) & 1023]! += 1;
  const max = Math.max(...buckets);
  const min = Math.min(...buckets);
  assert.ok(max < 160 && min > 50, `bucket sizes ${min}..${max} around 100`);
  assert.is.not(hashWords(5, 0), hashWords(5, 1), 'the high word matters');
});

test.run();
