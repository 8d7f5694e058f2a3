// The package's public surface: what other parts of the service import.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from '../src/index.ts';

test('re-exports the DSL, the task executor, the embedded runtime and the errors', () => {
  for (const name of [
    'StreamsBuilder', 'KStream', 'BranchedKStream', 'Topology', 'describe', 'formatDescription', 'jsonCodec', 'stringCodec', 'bytesCodec',
    'TopologyTask', 'ManualClock', 'systemClock', 'DEAD_LETTER_HEADERS',
    'EmbeddedRuntime', 'PartitionedLog', 'TopologyTestDriver', 'createStores', 'murmur2', 'partitionForKey',
    'StreamsError', 'TopologyException', 'RecordError', 'TaskError', 'TOPOLOGY_ERROR_CODES', 'RECORD_ERROR_CODES', 'TASK_ERROR_CODES',
  ]) assert.ok(name in api, name);
});

test('error codes are unique, stable strings', () => {
  const codes = [...api.TOPOLOGY_ERROR_CODES, ...api.RECORD_ERROR_CODES, ...api.TASK_ERROR_CODES, ...api.LOG_ERROR_CODES];
  assert.is(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^[A-Z]+(_[A-Z]+)+$/);
  const error = new api.RecordError('RECORD_DECODE_FAILED', 'src', 'bad', { cause: new Error('inner') });
  assert.instance(error, api.StreamsError);
  assert.is(error.code, 'RECORD_DECODE_FAILED');
  assert.is((error.cause as Error).message, 'inner');
});

test.run();
