import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ContractError } from '../../src/contract/errors.ts';
import type { IncomingRecord, KafkaRecord } from '../../src/contract/record.ts';
import { decodeStatusMessage, encodeStatusMessage, validateStatusMessage } from '../../src/contract/status-message.ts';

// base64 of {"identity":{"account_number":"0001","org_id":"000001","internal":{"org_id":""},"type":"System"},"entitlements":null}
const XRH = 'eyJpZGVudGl0eSI6eyJhY2NvdW50X251bWJlciI6IjAwMDEiLCJvcmdfaWQiOiIwMDAwMDEiLCJpbnRlcm5hbCI6eyJvcmdfaWQiOiIifSwidHlwZSI6IlN5c3RlbSJ9LCJlbnRpdGxlbWVudHMiOm51bGx9';
const IDENTITY = { xRhIdentity: XRH, orgId: '000001', accountNumber: '0001' };

/** Renders a record as literal text so the expected bytes can be written out in full. */
function wire(record: KafkaRecord): string[] {
  return [
    `key=${record.key.toString('hex')}`,
    `value=${record.value.toString('hex')}`,
    ...record.headers.map((h) => Object.entries(h).map(([n, v]) => `${Buffer.from(n).toString('hex')}:${v.toString('hex')}`).join()),
  ];
}
const hex = (text: string) => Buffer.from(text, 'latin1').toString('hex');

test('available: byte-exact key, value and headers in contract order', () => {
  const record = encodeStatusMessage(IDENTITY, { applicationId: '501', status: 'available', error: '' });
  assert.equal(wire(record), [
    `key=${hex('501')}`,
    `value=${hex('{"resource_type":"Application","resource_id":"501","status":"available","error":""}')}`,
    `${hex('event_type')}:${hex('availability_status')}`,
    `${hex('x-rh-identity')}:${hex(XRH)}`,
    `${hex('x-rh-sources-org-id')}:${hex('000001')}`,
    `${hex('x-rh-sources-account-number')}:${hex('0001')}`,
    `${hex('content-type')}:${hex('application/json')}`,
  ]);
  assert.is(record.value.toString(), '{"resource_type":"Application","resource_id":"501","status":"available","error":""}');
});

test('unavailable with a sentence; account header left out when empty; UTF-8 and quotes escaped', () => {
  const record = encodeStatusMessage({ ...IDENTITY, accountNumber: '' }, {
    applicationId: '7', status: 'unavailable', error: 'Role "x" not found – check the trust policy',
  });
  assert.equal([...record.value], [...Buffer.from('{"resource_type":"Application","resource_id":"7","status":"unavailable","error":"Role \\"x\\" not found \u2013 check the trust policy"}', 'utf8')]);
  assert.equal(record.headers.map((h) => Object.keys(h)[0]), ['event_type', 'x-rh-identity', 'x-rh-sources-org-id', 'content-type']);
  assert.equal(validateStatusMessage(record), []);
});

test('org header left out when empty, account kept', () => {
  const record = encodeStatusMessage({ xRhIdentity: XRH, orgId: '', accountNumber: '0001' }, { applicationId: '9', status: 'available', error: '' });
  assert.equal(record.headers.map((h) => Object.keys(h)[0]), ['event_type', 'x-rh-identity', 'x-rh-sources-account-number', 'content-type']);
});

test('encoder refuses what Sources would drop', () => {
  const refuse = (fn: () => unknown, detail: RegExp) => {
    try { fn(); } catch (err) {
      assert.instance(err, ContractError);
      assert.is((err as ContractError).code, 'STATUS_MESSAGE_INVALID');
      assert.match((err as Error).message, detail);
      return;
    }
    assert.unreachable('expected a ContractError');
  };
  refuse(() => encodeStatusMessage(IDENTITY, { applicationId: 'abc', status: 'available', error: '' }), /application id/);
  refuse(() => encodeStatusMessage(IDENTITY, { applicationId: '', status: 'available', error: '' }), /application id/);
  refuse(() => encodeStatusMessage(IDENTITY, { applicationId: '1', status: 'broken' as 'available', error: '' }), /status/);
  refuse(() => encodeStatusMessage({ xRhIdentity: XRH, orgId: '', accountNumber: '' }, { applicationId: '1', status: 'available', error: '' }), /neither/);
});

function valid(): IncomingRecord {
  return encodeStatusMessage(IDENTITY, { applicationId: '501', status: 'available', error: '' });
}
function withValue(value: string): IncomingRecord {
  return { ...valid(), value: Buffer.from(value) };
}
function withHeaders(headers: Array<Record<string, string>>): IncomingRecord {
  return { ...valid(), headers };
}
const GOOD_HEADERS: Array<Record<string, string>> = [{ event_type: 'availability_status' }, { 'x-rh-sources-org-id': '1' }, { 'content-type': 'application/json' }];

test('validator accepts the encoder output, string headers and other accepted statuses', () => {
  assert.equal(validateStatusMessage(valid()), []);
  assert.equal(validateStatusMessage(withHeaders(GOOD_HEADERS)), []);
  assert.equal(validateStatusMessage({ ...withValue('{"resource_type":"Application","resource_id":"501","status":"partially_available","extra":1}') }), []);
  assert.equal(validateStatusMessage({ key: 'abc-1', value: '{"resource_type":"Authentication","resource_id":"abc-1","status":"in_progress","error":""}', headers: GOOD_HEADERS }), []);
});

const cases: Array<[string, IncomingRecord, RegExp]> = [
  ['uppercase header name', withHeaders([...GOOD_HEADERS, { 'X-Rh-Identity': XRH }]), /not lowercase/],
  ['missing event_type', withHeaders(GOOD_HEADERS.slice(1)), /"event_type" is missing/],
  ['wrong event_type', withHeaders([{ event_type: 'Records.update' }, ...GOOD_HEADERS.slice(1)]), /must be "availability_status"/],
  ['missing content-type', withHeaders(GOOD_HEADERS.slice(0, 2)), /"content-type" is missing/],
  ['wrong content-type', withHeaders([...GOOD_HEADERS.slice(0, 2), { 'content-type': 'text/plain' }]), /must be "application\/json"/],
  ['neither org nor account', withHeaders([GOOD_HEADERS[0]!, GOOD_HEADERS[2]!]), /neither/],
  ['empty account header', withHeaders([...GOOD_HEADERS, { 'x-rh-sources-account-number': '' }]), /is empty/],
  ['duplicate header', withHeaders([...GOOD_HEADERS, { event_type: 'availability_status' }]), /more than once/],
  ['unusable identity', withHeaders([...GOOD_HEADERS, { 'x-rh-identity': 'e30=' }]), /x-rh-identity" is unusable/],
  ['value not JSON', withValue('{oops'), /not JSON/],
  ['value not an object', withValue('[1]'), /not a JSON object/],
  ['missing value', { ...valid(), value: null }, /value is missing/],
  ['wrong resource_type', withValue('{"resource_type":"application","resource_id":"501","status":"available","error":""}'), /resource_type must be one of/],
  ['resource_type not a string', withValue('{"resource_type":1,"resource_id":"501","status":"available","error":""}'), /resource_type must be a string/],
  ['resource_id a number', withValue('{"resource_type":"Application","resource_id":501,"status":"available","error":""}'), /resource_id must be a string/],
  ['resource_id not digits', withValue('{"resource_type":"Application","resource_id":"50a","status":"available","error":""}'), /resource_id must be digits/],
  ['unknown status', withValue('{"resource_type":"Application","resource_id":"501","status":"ok","error":""}'), /status must be one of/],
  ['status missing', withValue('{"resource_type":"Application","resource_id":"501","error":""}'), /status must be a string/],
  ['error not a string', withValue('{"resource_type":"Application","resource_id":"501","status":"available","error":null}'), /error must be a string/],
  ['key differs', { ...valid(), key: Buffer.from('502') }, /differs from resource_id/],
  ['key missing', { ...valid(), key: null }, /key is missing/],
];
for (const [name, record, problem] of cases) {
  test(`validator rejects: ${name}`, () => {
    const problems = validateStatusMessage(record);
    assert.ok(problems.some((p) => problem.test(p)), `expected ${problem} in ${JSON.stringify(problems)}`);
  });
}

test('decodeStatusMessage reads our messages back and refuses others', () => {
  const status = { applicationId: '501', status: 'unavailable' as const, error: 'Access denied.' };
  assert.equal(decodeStatusMessage(encodeStatusMessage(IDENTITY, status)), { identity: IDENTITY, status });
  assert.throws(() => decodeStatusMessage(withValue('{"resource_type":"Application","resource_id":"501","status":"bogus"}')), /invalid status message: status must be one of/);
  assert.throws(() => decodeStatusMessage(withValue('{"resource_type":"Source","resource_id":"501","status":"available","error":""}')), /not an application verdict/);
  assert.throws(() => decodeStatusMessage(withValue('{"resource_type":"Application","resource_id":"501","status":"in_progress","error":""}')), /not an application verdict/);
});

test.run();
