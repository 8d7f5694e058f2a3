import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { murmur2, partitionForKey } from '../../../src/streams/embedded/murmur2.ts';

test("murmur2 matches Kafka's own test vectors (UtilsTest#testMurmur2)", () => {
  const cases: [string | number[], number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    [[0x61, 0x62, 0x63], 479470107],
  ];
  for (const [input, expected] of cases) {
    const bytes = typeof input === 'string' ? Buffer.from(input) : Uint8Array.from(input);
    assert.is(murmur2(bytes), expected, String(input));
  }
});

test('partitions are in range and stable per key', () => {
  fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
    const p = partitionForKey(key, n);
    return Number.isInteger(p) && p >= 0 && p < n && p === partitionForKey(Buffer.from(key, 'utf8'), n);
  }));
});

test.run();
