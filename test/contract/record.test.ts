import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { asText, headerEntries, headerMap, headerValue } from '../../src/contract/record.ts';

const ARRAY: Array<Record<string, Buffer | string>> = [{ event_type: Buffer.from('availability_status') }, { 'x-rh-sources-org-id': '1' }, { 'content-type': Buffer.from('application/json') }];

test('array headers (node-rdkafka) flatten in order, Buffers and strings alike', () => {
  assert.equal(headerEntries(ARRAY), [['event_type', 'availability_status'], ['x-rh-sources-org-id', '1'], ['content-type', 'application/json']]);
  assert.is(headerValue(ARRAY, 'x-rh-sources-org-id'), '1');
  assert.is(headerValue(ARRAY, 'X-Rh-Sources-Org-Id'), undefined); // names compare exactly
});

test('map headers (DSL records) are read the same way; headerMap keeps wire order', () => {
  const map = headerMap(ARRAY);
  assert.equal(Object.keys(map), ['event_type', 'x-rh-sources-org-id', 'content-type']);
  assert.equal(headerEntries(map), headerEntries(ARRAY));
  assert.is(headerValue({ a: Buffer.from('b') }, 'a'), 'b');
  assert.equal(headerEntries(null), []);
  assert.equal(headerEntries(undefined), []);
});

test('asText', () => {
  assert.is(asText(Buffer.from('é')), 'é');
  assert.is(asText('x'), 'x');
  assert.is(asText(null), undefined);
});

test.run();
