// The results codec: exact round-trips for any SourceCheckResult, the few bytes a typical result
// costs, interned sentences, the owning tenant, and clear errors for values and bytes it cannot take.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { SourceCheckResult } from '../../src/domain/types.ts';
import { StoreError } from '../../src/streams/store/index.ts';
import { availabilityCodec, createAvailabilityCodec } from '../../src/domain/availability-codec.ts';

const SENTENCES = Array.from({ length: 70 }, (_, i) => `Sentence number ${i} for the customer.`);
const PREFIXES = ['org:', 'account:'];
const codec = createAvailabilityCodec({ knownErrors: SENTENCES, tenantPrefixes: PREFIXES });

const tenantArb = fc.oneof(
  fc.constantFrom('', 'org:000001', 'account:0001', 'org:11789772', 'org:0', 'org:00', 'org:0000000', 'org:00000001', 'org:', 'account:x1', 'org:9007199254740993'),
  fc.tuple(fc.constantFrom('', 'org:', 'account:'), fc.oneof(fc.nat().map(String), fc.string())).map(([prefix, rest]) => prefix + rest),
);

const resultArb: fc.Arbitrary<SourceCheckResult> = fc.record({
  tenant: tenantArb,
  statuses: fc.array(
    fc.record({
      applicationId: fc.oneof(fc.nat().map(String), fc.constantFrom('0', '007', '9007199254740991', '9007199254740993', '', 'app-1', 'ü'), fc.string()),
      status: fc.constantFrom('available' as const, 'unavailable' as const, 'partially_available' as const),
      error: fc.oneof(fc.constant(''), fc.constantFrom(...SENTENCES), fc.string()),
    }, { noNullPrototype: true }),
    { maxLength: 40 },
  ),
}, { noNullPrototype: true });

function expectCode(fn: () => unknown, code: string, pattern?: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, StoreError);
    assert.is((err as StoreError).code, code);
    if (pattern) assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('every result round-trips exactly, with and without interned sentences', () => {
  fc.assert(fc.property(resultArb, (result) => {
    assert.equal(codec.decode(codec.encode(result)), result);
    assert.equal(availabilityCodec.decode(availabilityCodec.encode(result)), result);
  }), { numRuns: 500 });
});

test('short-form ids round-trip at every varint length boundary', () => {
  for (const id of [0, 1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455, 268_435_456, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
    for (const status of ['available', 'unavailable'] as const) {
      const result: SourceCheckResult = { tenant: '', statuses: [{ applicationId: String(id), status, error: status === 'available' ? '' : SENTENCES[0]! }] };
      assert.equal(codec.decode(codec.encode(result)), result, `${id} ${status}`);
    }
  }
});

test('a typical one-application result costs a handful of bytes', () => {
  const size = (statuses: SourceCheckResult['statuses'], c = codec) => c.encode({ tenant: '', statuses }).length;
  assert.is(size([{ applicationId: '501234', status: 'available', error: '' }]), 4, 'short form: one byte + the id');
  assert.is(size([{ applicationId: '501234', status: 'unavailable', error: SENTENCES[14]! }]), 4, 'first 15 sentences fit the short form');
  assert.is(size([{ applicationId: '501234', status: 'unavailable', error: SENTENCES[15]! }]), 5, 'the 16th takes the general form');
  assert.is(size([{ applicationId: '501234', status: 'unavailable', error: SENTENCES[65]! }]), 6, 'sentences past the 61st take one varint byte');
  assert.is(size([{ applicationId: '501234', status: 'unavailable', error: 'Role not found.' }], availabilityCodec), 5 + 1 + 'Role not found.'.length);
  assert.is(size([{ applicationId: 'app-1', status: 'available', error: '' }]), 1 + 1 + 1 + 5, 'a non-decimal id is text');
  assert.is(size([]), 1);
  const two = [{ applicationId: '1', status: 'available' as const, error: '' }, { applicationId: '2', status: 'available' as const, error: '' }];
  assert.is(size(two), 1 + 2 * 2);
});

test('missing permissions: the sentence fits inline, and partially_available takes one byte more per application', () => {
  const sentence = `Missing AWS permissions ${Array.from({ length: 40 }, (_, i) => `ec2:Action${i}`).join(', ')}`;
  for (const status of ['unavailable', 'partially_available'] as const) {
    const result: SourceCheckResult = { tenant: '', statuses: [{ applicationId: '501234', status, error: sentence }, { applicationId: '501235', status: 'available', error: '' }] };
    const bytes = availabilityCodec.encode(result);
    assert.equal(availabilityCodec.decode(bytes), result);
    assert.is(bytes.length, 1 + (1 + 3 + 2 + sentence.length) + (1 + 3) + (status === 'partially_available' ? 2 : 0), status);
    const owned = { ...result, tenant: 'org:000001' };
    assert.equal(availabilityCodec.decode(availabilityCodec.encode(owned)), owned);
  }
});

test('more than 30 applications use the escaped count', () => {
  const result: SourceCheckResult = { tenant: 'org:1', statuses: Array.from({ length: 31 }, (_, i) => ({ applicationId: String(i), status: 'available', error: '' })) };
  const bytes = codec.encode(result);
  assert.is(bytes[2]! & 31, 31);
  assert.equal(codec.decode(bytes), result);
});

test('the owning tenant costs its prefix index, leading zeros and a varint; unowned bytes decode as nobody\'s', () => {
  const statuses = [{ applicationId: '501234', status: 'available' as const, error: '' }];
  const size = (tenant: string, c = codec) => c.encode({ tenant, statuses }).length;
  assert.is(size(''), 4);
  assert.is(size('org:000001'), 4 + 2, 'one byte (prefix, five zeros) + the varint 1');
  assert.is(size('org:11789772'), 4 + 1 + 4, 'an 8-digit org id: one byte + a 4-byte varint');
  assert.is(size('account:1234567'), 4 + 1 + 3);
  assert.is(size('org:abc'), 4 + 1 + 1 + 3, 'a non-decimal id is text');
  assert.is(size('org:000001', availabilityCodec), 4 + 1 + 1 + 'org:000001'.length, 'without the prefix table the whole tenant is text');
  const unowned = codec.encode({ tenant: '', statuses });
  assert.equal(codec.decode(unowned), { tenant: '', statuses });
  const owned = codec.encode({ tenant: 'org:000001', statuses });
  assert.equal(codec.decode(owned), { tenant: 'org:000001', statuses });
  expectCode(() => availabilityCodec.decode(owned), 'STORE_CODEC_DECODE', /tenant prefix #0/);
  expectCode(() => codec.encode({ statuses } as never), 'STORE_CODEC_ENCODE', /tenant/);
  expectCode(() => createAvailabilityCodec({ tenantPrefixes: ['a', 'b', 'c', 'd'] }), 'STORE_INVALID_OPTIONS', /tenantPrefixes/);
});

test('values that are not a SourceCheckResult are refused with the offending field', () => {
  expectCode(() => codec.encode({ tenant: '' } as SourceCheckResult), 'STORE_CODEC_ENCODE', /statuses/);
  expectCode(() => codec.encode({ tenant: '', statuses: [{ applicationId: 1, status: 'available', error: '' }] } as never), 'STORE_CODEC_ENCODE', /statuses\[0\]\.applicationId/);
  expectCode(() => codec.encode({ tenant: '', statuses: [{ applicationId: '1', status: 'in_progress', error: '' }] } as never), 'STORE_CODEC_ENCODE', /statuses\[0\]\.status/);
  expectCode(() => codec.encode({ tenant: '', statuses: [{ applicationId: '1', status: 'available', error: null }] } as never), 'STORE_CODEC_ENCODE', /statuses\[0\]\.error/);
});

test('corrupt bytes fail with a decode error, never a wrong result', () => {
  const good = codec.encode({ tenant: '', statuses: [{ applicationId: '501', status: 'unavailable', error: 'Inline sentence.' }] });
  expectCode(() => codec.decode(new Uint8Array()), 'STORE_CODEC_DECODE', /truncated/);
  expectCode(() => codec.decode(good.subarray(0, good.length - 1)), 'STORE_CODEC_DECODE', /truncated/);
  expectCode(() => codec.decode(new Uint8Array([...good, 0])), 'STORE_CODEC_DECODE', /trailing/);
  expectCode(() => codec.decode(new Uint8Array([0xa1, 0, 1])), 'STORE_CODEC_DECODE', /unknown format 5/);
  expectCode(() => codec.decode(new Uint8Array([0x81, 7, 0, 1])), 'STORE_CODEC_DECODE', /unknown status 7/);
  expectCode(() => codec.decode(new Uint8Array([0x68, 1])), 'STORE_CODEC_DECODE', /truncated/);
  expectCode(() => codec.decode(new Uint8Array([0x68, 1, 0xa1])), 'STORE_CODEC_DECODE', /unknown format 5/);
  expectCode(() => codec.decode(new Uint8Array([0x40, 5, 0])), 'STORE_CODEC_DECODE', /trailing/);
  expectCode(() => codec.decode(new Uint8Array([0x40, 0x85])), 'STORE_CODEC_DECODE', /truncated/);
  expectCode(() => availabilityCodec.decode(new Uint8Array([0x42, 5])), 'STORE_CODEC_DECODE', /sentence #1/);
  expectCode(() => codec.decode(new Uint8Array([0x3f, 0xff, 0xff, 0x7f])), 'STORE_CODEC_DECODE', /cannot fit/);
  const interned = codec.encode({ tenant: '', statuses: [{ applicationId: '1', status: 'unavailable', error: SENTENCES[10]! }] });
  expectCode(() => availabilityCodec.decode(interned), 'STORE_CODEC_DECODE', /sentence #10/);
  expectCode(() => codec.decode(new Uint8Array([0x21, 0xfe, 1, 0xff])), 'STORE_CODEC_DECODE', /UTF-8/);
});

test('the sentence table must be strings without repeats', () => {
  expectCode(() => createAvailabilityCodec({ knownErrors: ['a', 'a'] }), 'STORE_INVALID_OPTIONS', /repeats/);
  expectCode(() => createAvailabilityCodec({ knownErrors: [1 as unknown as string] }), 'STORE_INVALID_OPTIONS', /knownErrors\[0\]/);
});

test.run();
