import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Writable } from 'node:stream';
import { RecordError } from '../../src/streams/dsl/errors.ts';
import { createLogger } from '../../src/service/logger.ts';
import { logOutputs, requestIdOf } from '../../src/service/output-log.ts';
import { TopologyObserver, type InputRecord } from '../../src/streams/task/index.ts';

const IDENTITY = Buffer.from('{"identity":{"org_id":"000001","type":"System"}}').toString('base64');

function input(value: string | null): InputRecord {
  return { topic: 'requests', partition: 0, offset: 7, key: '1001', value: value === null ? null : Buffer.from(value), headers: { 'x-rh-identity': IDENTITY }, timestamp: 0 };
}

test('requestIdOf reads request_id from a check request, and nothing from anything else', () => {
  assert.is(requestIdOf(input('{"source_id":"1001","request_id":"abc-1"}')), 'abc-1');
  assert.is(requestIdOf(input('{"source_id":"1001"}')), undefined);
  assert.is(requestIdOf(input('{"request_id":5}')), undefined);
  assert.is(requestIdOf(input('not json')), undefined);
  assert.is(requestIdOf(input(null)), undefined);
});

test('a status message and a dead letter each give one line with the request id, never a header', () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  const observer = new TopologyObserver();
  const stop = logOutputs(observer, createLogger('info', sink), { status: 'status', deadLetter: 'dlq' });
  const headers = { 'x-rh-identity': IDENTITY, event_type: 'availability_status' };
  const request = input('{"source_id":"1001","request_id":"req-9"}');
  observer.output({ sink: 'status-sink', input: request, record: { topic: 'status', key: '501', value: Buffer.from('{"resource_type":"Application","resource_id":"501","status":"available","error":""}'), headers, timestamp: 0 } });
  const error = new RecordError('RECORD_RETRIES_EXHAUSTED', 'check-source', 'check-source: gave up');
  observer.output({ sink: 'dlq-sink', input: request, error, record: { topic: 'dlq', key: '1001', value: request.value, headers, timestamp: 0 } });
  stop();
  observer.output({ sink: 'status-sink', input: request, record: { topic: 'status', key: '502', value: null, headers, timestamp: 0 } });
  assert.is(lines.length, 2, 'nothing after stop');
  const [status, dead] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal({ msg: status!.msg, requestId: status!.requestId, sourceId: status!.sourceId, applicationId: status!.applicationId, status: status!.status },
    { msg: 'status produced', requestId: 'req-9', sourceId: '1001', applicationId: '501', status: 'available' });
  assert.equal({ msg: dead!.msg, requestId: dead!.requestId, code: dead!.code, node: dead!.node, offset: dead!.offset },
    { msg: 'record dead-lettered', requestId: 'req-9', code: 'RECORD_RETRIES_EXHAUSTED', node: 'check-source', offset: 7 });
  for (const line of lines) assert.not.ok(line.includes(IDENTITY), line);
});

test.run();
