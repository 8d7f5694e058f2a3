import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fromKafkaHeaders, toKafkaHeaders } from '../../../src/streams/kafka/headers.ts';

test('node-rdkafka header lists become a string map (last duplicate wins)', () => {
  assert.equal(fromKafkaHeaders([{ event_type: Buffer.from('availability_status') }, { a: 'x' }, { a: Buffer.from('y') }]), { event_type: 'availability_status', a: 'y' });
  assert.equal(fromKafkaHeaders(undefined), {});
  assert.equal(fromKafkaHeaders([]), {});
});

test('a string map becomes a header list; empty maps send no headers', () => {
  assert.equal(toKafkaHeaders({ 'x-rh-identity': 'abc', status: 'ok' }), [{ 'x-rh-identity': 'abc' }, { status: 'ok' }]);
  assert.is(toKafkaHeaders({}), undefined);
  assert.equal(fromKafkaHeaders(toKafkaHeaders({ k: 'v' })), { k: 'v' });
});

test.run();
