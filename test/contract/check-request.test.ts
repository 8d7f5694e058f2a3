import { Ajv } from 'ajv';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  checkRequestValueSchema,
  decodeCheckRequest,
  encodeCanonicalCheckRequest,
  encodeCheckRequest,
  normalizeSourceId,
  validateCheckRequestValue,
} from '../../src/contract/check-request.ts';
import { ContractError } from '../../src/contract/errors.ts';

const IDENTITY = { xRhIdentity: 'eyJpZGVudGl0eSI6eyJvcmdfaWQiOiIxIn19', orgId: '1', accountNumber: '' };
const REQUEST = { sourceId: '463243', identity: IDENTITY, noCache: false, requestId: 'r-1' };

function rejects(fn: () => unknown, detail: RegExp): void {
  try { fn(); } catch (err) {
    assert.instance(err, ContractError);
    assert.is((err as ContractError).code, 'CHECK_REQUEST_INVALID');
    assert.match((err as Error).message, detail);
    return;
  }
  assert.unreachable(`expected CHECK_REQUEST_INVALID ${detail}`);
}

test('encodes key, value and headers exactly', () => {
  const record = encodeCheckRequest(REQUEST);
  assert.is(record.key.toString(), '463243');
  assert.is(record.value.toString(), '{"source_id":"463243","no_cache":false,"request_id":"r-1"}');
  assert.equal(record.headers.map((h) => Object.entries(h).map(([n, v]) => `${n}: ${v.toString()}`)[0]), [
    `x-rh-identity: ${IDENTITY.xRhIdentity}`,
    'x-rh-sources-org-id: 1',
    'content-type: application/json',
  ]);
});

test('decode(encode(x)) is x, with Buffer or string headers', () => {
  const record = encodeCheckRequest({ ...REQUEST, noCache: true, identity: { ...IDENTITY, accountNumber: '0001' } });
  assert.equal(decodeCheckRequest(record), { ...REQUEST, noCache: true, identity: { ...IDENTITY, accountNumber: '0001' } });
  const asStrings = {
    key: record.key.toString(),
    value: record.value.toString(),
    headers: record.headers.map((h) => Object.fromEntries(Object.entries(h).map(([n, v]) => [n, v.toString()]))),
  };
  assert.is(decodeCheckRequest(asStrings).noCache, true);
});

test('decode reads DSL-style map headers too', () => {
  const record = encodeCheckRequest(REQUEST);
  const map = Object.fromEntries(record.headers.flatMap((h) => Object.entries(h).map(([n, v]) => [n, v.toString()])));
  assert.equal(decodeCheckRequest({ key: '463243', value: record.value, headers: map }), REQUEST);
});

test('decode fills in defaults for a minimal value {"source_id":"…"}', () => {
  const decoded = decodeCheckRequest({ key: '5', value: '{"source_id":"5"}', headers: [{ 'x-rh-sources-account-number': '42' }] });
  assert.equal(decoded, { sourceId: '5', identity: { xRhIdentity: '', orgId: '', accountNumber: '42' }, noCache: false, requestId: '' });
});

test('decode rejects bad records with the reason', () => {
  const headers = [{ 'x-rh-sources-org-id': '1' }];
  rejects(() => decodeCheckRequest({ value: null, headers }), /no value/);
  rejects(() => decodeCheckRequest({ value: 'nope', headers }), /not JSON/);
  rejects(() => decodeCheckRequest({ value: '{}', headers }), /source_id/);
  rejects(() => decodeCheckRequest({ value: '{"source_id":5}', headers }), /must be string/);
  rejects(() => decodeCheckRequest({ value: '{"source_id":"05"}', headers }), /must match pattern/);
  rejects(() => decodeCheckRequest({ value: '{"source_id":"5","no_cache":"yes"}', headers }), /must be boolean/);
  rejects(() => decodeCheckRequest({ key: '6', value: '{"source_id":"5"}', headers }), /differs/);
  rejects(() => decodeCheckRequest({ value: '{"source_id":"5"}', headers: [] }), /neither/);
});

test('encode rejects a non-canonical source id and an identity without tenant', () => {
  rejects(() => encodeCheckRequest({ ...REQUEST, sourceId: '007' }), /canonical/);
  rejects(() => encodeCheckRequest({ ...REQUEST, sourceId: 'x' }), /canonical/);
  rejects(() => encodeCheckRequest({ ...REQUEST, identity: { xRhIdentity: 'x', orgId: '', accountNumber: '' } }), /neither/);
});

test('normalizeSourceId: digit strings and safe integers, canonical form', () => {
  assert.is(normalizeSourceId('463243'), '463243');
  assert.is(normalizeSourceId(463243), '463243');
  assert.is(normalizeSourceId('000042'), '42');
  assert.is(normalizeSourceId('9223372036854775807'), '9223372036854775807');
  for (const bad of ['', '0', 0, '9223372036854775808', '-1', -1, 1.5, '1.5', ' 1', 'abc', Number.MAX_SAFE_INTEGER + 2, null, true, {}]) {
    assert.is(normalizeSourceId(bad), undefined, `accepted ${JSON.stringify(bad)}`);
  }
});

test('property: encodeCanonicalCheckRequest gives encodeCheckRequest\'s record or its error, for canonical ids', () => {
  const outcome = (fn: () => unknown) => {
    try {
      return JSON.stringify(fn());
    } catch (err) {
      assert.instance(err, ContractError);
      return `${(err as ContractError).code}: ${(err as Error).message}`;
    }
  };
  fc.assert(fc.property(
    fc.bigInt({ min: 1n, max: 9223372036854775807n }).map(String),
    fc.boolean(),
    fc.oneof(fc.string({ maxLength: 140 }), fc.string({ unit: 'binary', maxLength: 130 }), fc.constant('x'.repeat(129))),
    fc.record({ xRhIdentity: fc.constantFrom('', 'eyJ9'), orgId: fc.constantFrom('', '1'), accountNumber: fc.constantFrom('', '42') }),
    (sourceId, noCache, requestId, identity) => {
      const request = { sourceId, identity, noCache, requestId };
      assert.is(outcome(() => encodeCanonicalCheckRequest(request)), outcome(() => encodeCheckRequest(request)));
    },
  ), { numRuns: 500 });
});

test('the exported schema and compiled validator agree', () => {
  assert.is(checkRequestValueSchema.required[0], 'source_id');
  assert.ok(validateCheckRequestValue({ source_id: '1', future_field: [] }));
  assert.not.ok(validateCheckRequestValue({ source_id: '1', request_id: 'x'.repeat(129) }));
});

test('the schema compiles more than once in one ajv instance (no $id clash)', () => {
  const ajv = new Ajv({ strict: false });
  const first = ajv.compile(checkRequestValueSchema);
  const second = ajv.compile(checkRequestValueSchema);
  assert.ok(first({ source_id: '9' }) && second({ source_id: '9' }));
});

test.run();
