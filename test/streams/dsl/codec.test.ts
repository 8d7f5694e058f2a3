import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bytesCodec, jsonCodec, stringCodec } from '../../../src/streams/dsl/index.ts';

const schema = { type: 'object', required: ['source_id'], properties: { source_id: { type: 'string', pattern: '^[0-9]+$' } } };

test('jsonCodec decodes valid JSON and round-trips', () => {
  const codec = jsonCodec<{ source_id: string }>(schema, 'request');
  assert.equal(codec.decode(Buffer.from('{"source_id":"42"}')), { source_id: '42' });
  assert.equal(codec.decode(codec.encode({ source_id: '7' })), { source_id: '7' });
});

test('jsonCodec errors say what is wrong: null, not JSON, schema violation with the path', () => {
  const codec = jsonCodec(schema, 'request');
  assert.throws(() => codec.decode(null), /request: value is null/);
  assert.throws(() => codec.decode(Buffer.from('{oops')), /request: not JSON/);
  assert.throws(() => codec.decode(Buffer.from('{}')), /request: value must have required property 'source_id'/);
  assert.throws(() => codec.decode(Buffer.from('{"source_id":"x1"}')), /value\/source_id must match pattern/);
});

test('jsonCodec without a schema accepts any JSON; string and bytes codecs', () => {
  assert.equal(jsonCodec().decode(Buffer.from('[1,2]')), [1, 2]);
  assert.is(stringCodec.decode(stringCodec.encode('héllo')), 'héllo');
  assert.throws(() => stringCodec.decode(null), /null/);
  assert.is(bytesCodec.decode(null), null);
});

test.run();
