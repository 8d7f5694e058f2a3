import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContractError } from '../../src/contract/errors.ts';
import {
  decodeIdentityHeader,
  identityFromRecordHeaders,
  identityRecordHeaders,
  requestIdentityFromHeaders,
  tenantKey,
} from '../../src/contract/identity.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
// The identity Sources generates for scheduled checks (README: The Sources contract §1), byte for byte.
const SYSTEM = '{"identity":{"account_number":"0001","org_id":"000001","internal":{"org_id":""},"type":"System"},"entitlements":null}';
const USER = '{"identity":{"org_id":"000001","account_number":"0001","type":"User","user":{"username":"u"}}}';

function rejects(fn: () => unknown, code: string, status: number, detail?: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ContractError);
    const e = err as ContractError;
    assert.is(e.code, code);
    assert.is(e.status, status);
    if (detail) assert.match(e.message, detail);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

test('decodes the system identity Sources sends and a user identity', () => {
  assert.equal(decodeIdentityHeader(b64(SYSTEM)), { orgId: '000001', accountNumber: '0001', type: 'System' });
  assert.equal(decodeIdentityHeader(b64(USER)), { orgId: '000001', accountNumber: '0001', type: 'User' });
});

test('accepts org only, account only, and base64 without padding', () => {
  assert.equal(decodeIdentityHeader(b64('{"identity":{"org_id":"7"}}')), { orgId: '7', accountNumber: '', type: '' });
  assert.equal(decodeIdentityHeader(b64('{"identity":{"account_number":"42","org_id":""}}')).accountNumber, '42');
  const padded = b64('{"identity":{"org_id":"12"}}');
  assert.ok(padded.endsWith('='));
  assert.is(decodeIdentityHeader(padded.replace(/=+$/, '')).orgId, '12');
});

test('missing or blank identity is 401', () => {
  rejects(() => decodeIdentityHeader(undefined), 'IDENTITY_MISSING', 401, /x-rh-identity header is required/);
  rejects(() => decodeIdentityHeader('   '), 'IDENTITY_MISSING', 401);
});

test('bad base64 is 400', () => {
  rejects(() => decodeIdentityHeader('not base64!'), 'IDENTITY_NOT_BASE64', 400, /not valid base64/);
  rejects(() => decodeIdentityHeader('abcde'), 'IDENTITY_NOT_BASE64', 400);
  rejects(() => decodeIdentityHeader('ab=c'), 'IDENTITY_NOT_BASE64', 400);
  // 'QR==' decodes like 'QQ==' in Buffer.from: non-canonical trailing bits are refused.
  rejects(() => decodeIdentityHeader('QR=='), 'IDENTITY_NOT_BASE64', 400);
  rejects(() => decodeIdentityHeader('A'.repeat(9000)), 'IDENTITY_NOT_BASE64', 400, /longer/);
});

test('non-JSON, non-UTF-8 and JSON without an identity object are 400', () => {
  rejects(() => decodeIdentityHeader(b64('hello')), 'IDENTITY_NOT_JSON', 400);
  rejects(() => decodeIdentityHeader(Buffer.from([0x7b, 0xff, 0x7d]).toString('base64')), 'IDENTITY_NOT_JSON', 400);
  rejects(() => decodeIdentityHeader(b64('[1]')), 'IDENTITY_NO_OBJECT', 400);
  rejects(() => decodeIdentityHeader(b64('{"org_id":"1"}')), 'IDENTITY_NO_OBJECT', 400, /no "identity" object/);
  rejects(() => decodeIdentityHeader(b64('{"identity":"1"}')), 'IDENTITY_NO_OBJECT', 400);
});

test('identity with neither org nor account, or with wrong field types, is 400', () => {
  rejects(() => decodeIdentityHeader(b64('{"identity":{"type":"User"}}')), 'IDENTITY_NO_TENANT', 400, /neither/);
  rejects(() => decodeIdentityHeader(b64('{"identity":{"org_id":"","account_number":null}}')), 'IDENTITY_NO_TENANT', 400);
  rejects(() => decodeIdentityHeader(b64('{"identity":{"org_id":12}}')), 'IDENTITY_BAD_FIELD', 400, /org_id must be a string/);
  rejects(() => decodeIdentityHeader(b64('{"identity":{"org_id":"a b"}}')), 'IDENTITY_BAD_FIELD', 400);
});

test('request identity: headers win, identity fills in, header is forwarded unchanged', () => {
  const raw = b64(SYSTEM);
  assert.equal(requestIdentityFromHeaders({ 'x-rh-identity': raw }), { xRhIdentity: raw, orgId: '000001', accountNumber: '0001' });
  const orgOnly = b64('{"identity":{"org_id":"5"}}');
  assert.equal(
    requestIdentityFromHeaders({ 'x-rh-identity': orgOnly, 'x-rh-sources-org-id': '5', 'x-rh-sources-account-number': '77' }),
    { xRhIdentity: orgOnly, orgId: '5', accountNumber: '77' },
  );
  assert.equal(requestIdentityFromHeaders({ 'x-rh-identity': orgOnly, 'x-rh-sources-account-number': '' }).accountNumber, '');
});

test('request identity: a header that contradicts the identity, or is malformed, is 400', () => {
  const raw = b64(SYSTEM);
  rejects(() => requestIdentityFromHeaders({ 'x-rh-identity': raw, 'x-rh-sources-org-id': '999' }), 'IDENTITY_HEADER_MISMATCH', 400, /x-rh-sources-org-id/);
  rejects(() => requestIdentityFromHeaders({ 'x-rh-identity': raw, 'x-rh-sources-org-id': 'a\tb' }), 'IDENTITY_BAD_HEADER', 400);
  rejects(() => requestIdentityFromHeaders({ 'x-rh-identity': [raw, raw] }), 'IDENTITY_BAD_HEADER', 400, /once/);
  rejects(() => requestIdentityFromHeaders({}), 'IDENTITY_MISSING', 401);
});

test('the tenant key comes from x-rh-identity alone: its org id, else its account number', () => {
  const tenantOf = (identity: string, headers: Record<string, string> = {}) =>
    tenantKey(requestIdentityFromHeaders({ 'x-rh-identity': b64(identity), ...headers }));
  assert.is(tenantOf(SYSTEM), 'org:000001');
  assert.is(tenantOf('{"identity":{"account_number":"0001"}}'), 'account:0001');
  assert.is(tenantOf('{"identity":{"org_id":"000001"}}'), 'org:000001');
  // a header filling the field the identity lacks is forwarded, never the tenant
  const claimed = requestIdentityFromHeaders({ 'x-rh-identity': b64('{"identity":{"account_number":"0666"}}'), 'x-rh-sources-org-id': '000001' });
  assert.is(claimed.orgId, '000001', 'carried on for Sources');
  assert.is(tenantKey(claimed), 'account:0666');
  assert.is(tenantOf('{"identity":{"org_id":"000002"}}', { 'x-rh-sources-account-number': '0001' }), 'org:000002');
  // an org id and an account number with the same text are different tenants
  assert.is.not(tenantOf('{"identity":{"org_id":"42"}}'), tenantOf('{"identity":{"account_number":"42"}}'));
  assert.throws(() => tenantKey({ xRhIdentity: '' }), (err: unknown) => err instanceof ContractError && err.code === 'IDENTITY_MISSING');
});

test('record headers round-trip and leave out empty values', () => {
  const identity = { xRhIdentity: 'eyJ9', orgId: '1', accountNumber: '' };
  const headers = identityRecordHeaders(identity, 'CHECK_REQUEST_INVALID');
  assert.equal(headers.map((h) => Object.keys(h)[0]), ['x-rh-identity', 'x-rh-sources-org-id']);
  assert.equal(identityFromRecordHeaders(headers), identity);
  rejects(() => identityRecordHeaders({ xRhIdentity: 'x', orgId: '', accountNumber: '' }, 'STATUS_MESSAGE_INVALID'), 'STATUS_MESSAGE_INVALID', 500);
});

test('decoded identities are cached per header: the same frozen object, dropped after 10k others', () => {
  const header = b64('{"identity":{"org_id":"cache-1","type":"User"}}');
  const first = decodeIdentityHeader(header);
  assert.ok(Object.isFrozen(first));
  assert.is(decodeIdentityHeader(header), first);
  assert.is(requestIdentityFromHeaders({ 'x-rh-identity': header }).orgId, 'cache-1');
  // a cached header still gets the headers' checks
  rejects(() => requestIdentityFromHeaders({ 'x-rh-identity': header, 'x-rh-sources-org-id': 'other' }), 'IDENTITY_HEADER_MISMATCH', 400);
  for (let i = 0; i < 10_001; i++) decodeIdentityHeader(b64(`{"identity":{"org_id":"other-${i}"}}`));
  const again = decodeIdentityHeader(header);
  assert.is.not(again, first);
  assert.equal(again, first);
});

test('a header in use stays cached however many others pass', () => {
  const header = b64('{"identity":{"account_number":"busy"}}');
  const first = decodeIdentityHeader(header);
  for (let i = 0; i < 30_000; i++) {
    decodeIdentityHeader(b64(`{"identity":{"org_id":"passing-${i}"}}`));
    if (i % 1000 === 0) assert.is(decodeIdentityHeader(header), first);
  }
});

test('invalid headers are not cached: the same error every time', () => {
  for (let i = 0; i < 2; i++) {
    rejects(() => decodeIdentityHeader(b64('{"identity":{"type":"User"}}')), 'IDENTITY_NO_TENANT', 400);
    rejects(() => decodeIdentityHeader('A'.repeat(9000)), 'IDENTITY_NOT_BASE64', 400, /longer/);
  }
});

test('property: any header value either decodes or fails with a ContractError, never anything else', () => {
  const headerArb = fc.oneof(
    fc.string(),
    fc.json().map(b64),
    fc.jsonValue().map((identity) => b64(JSON.stringify({ identity }))),
    fc.record({ org_id: fc.jsonValue(), account_number: fc.jsonValue() }, { requiredKeys: [] }).map((identity) => b64(JSON.stringify({ identity }))),
  );
  fc.assert(fc.property(headerArb, (header) => {
    try {
      const decoded = decodeIdentityHeader(header);
      assert.ok(decoded.orgId !== '' || decoded.accountNumber !== '');
      assert.equal(decodeIdentityHeader(header), decoded); // the cached answer is the fresh one
    } catch (err) {
      assert.instance(err, ContractError);
      assert.ok([400, 401].includes((err as ContractError).status));
    }
  }), { numRuns: 500 });
});

test.run();
