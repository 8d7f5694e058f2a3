// The package's public surface: the entry points package.json `exports` names, each imported by
// the package's own name the way a user of the package would, and what each of them offers.
// The root is the engine's API and nothing else: no internals, nothing of the application.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as api from 'sources-availability-check';

const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '../package.json'), 'utf8')) as { name: string; exports: Record<string, string> };

/** What each entry point must offer (at least). */
const ENTRY_POINTS: Record<string, readonly string[]> = {
  '.': [
    'StreamsBuilder', 'KStream', 'BranchedKStream', 'Topology', 'describe', 'formatDescription', 'jsonCodec', 'stringCodec', 'bytesCodec',
    'changelogTopicName', 'DEFAULT_RETRY_POLICY', 'backoffDelay', 'TtlTable', 'MAX_TTL_MS', 'jsonValueCodec', 'ttlTableFactory',
    'ManualClock', 'systemClock', 'CodedError', 'StreamsError', 'TopologyException', 'RecordError', 'StoreError',
    'TOPOLOGY_ERROR_CODES', 'RECORD_ERROR_CODES', 'STORE_ERROR_CODES',
  ],
  './task': ['TopologyTask', 'TopologyObserver', 'DEAD_LETTER_HEADERS', 'deadLetterRecord', 'TaskError', 'TASK_ERROR_CODES'],
  './embedded': ['EmbeddedRuntime', 'PartitionedLog', 'TopologyTestDriver', 'LogError', 'LOG_ERROR_CODES'],
  './kafka': ['KafkaRuntime', 'KafkaRuntimeError', 'KAFKA_RUNTIME_ERROR_CODES', 'stopOnSignals', 'AckedProducer', 'ensureTopics'],
  './test-driver': ['TopologyTestDriver'],
  './diagram': ['renderDiagrams', 'renderMermaid', 'renderDot', 'renderSvg', 'parseTopologyDescription', 'DiagramError'],
};

async function load(entry: string): Promise<Record<string, unknown>> {
  return (await import(entry === '.' ? pkg.name : `${pkg.name}/${entry.slice(2)}`)) as Record<string, unknown>;
}

test('package.json exports exactly the engine, the task executor, the runtimes, the test driver and the diagrams', () => {
  assert.equal(Object.keys(pkg.exports).filter((k) => k !== './package.json').sort(), Object.keys(ENTRY_POINTS).sort());
  for (const target of Object.values(pkg.exports)) {
    if (target === './package.json') continue;
    assert.ok(target.startsWith('./src/streams/') || target === './src/index.ts', `${target} is the engine's`);
  }
});

test('each entry point offers its API', async () => {
  for (const [entry, names] of Object.entries(ENTRY_POINTS)) {
    const module = await load(entry);
    for (const name of names) assert.ok(name in module, `${entry} exports ${name}`);
  }
});

test('the root exports the API only: no internals, nothing of the application', () => {
  for (const name of [
    'murmur2', 'partitionForKey', 'createStores', 'ProcessorNode', 'TopologyDraft', 'PartitionedLog', 'EmbeddedRuntime', 'KafkaRuntime', 'TopologyTask',
    'availabilityCodec', 'createAvailabilityCodec', 'ContractError', 'buildAvailabilityTopology',
  ]) assert.not.ok(name in api, `the root must not export ${name}`);
});

test('error codes are unique, stable strings', async () => {
  const task = await load('./task');
  const embedded = await load('./embedded');
  const codes = [...api.TOPOLOGY_ERROR_CODES, ...api.RECORD_ERROR_CODES, ...(task.TASK_ERROR_CODES as string[]), ...(embedded.LOG_ERROR_CODES as string[])];
  assert.is(new Set(codes).size, codes.length);
  for (const code of codes) assert.match(code, /^[A-Z]+(_[A-Z]+)+$/);
  const error = new api.RecordError('RECORD_DECODE_FAILED', 'src', 'bad', { cause: new Error('inner') });
  assert.instance(error, api.StreamsError);
  assert.instance(error, api.CodedError);
  assert.is(error.code, 'RECORD_DECODE_FAILED');
  assert.is((error.cause as Error).message, 'inner');
});

test.run();
