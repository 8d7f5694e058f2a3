import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, StreamsBuilder, stringCodec, TopologyException, type TopologyErrorCode } from '../../../src/streams/dsl/index.ts';
import { jsonValueCodec } from '../../../src/streams/store/index.ts';

function throwsCode(fn: () => unknown, code: TopologyErrorCode): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, TopologyException);
    assert.is((error as TopologyException).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

const builder = () => new StreamsBuilder({ applicationId: 'app' });

test('a node without a name throws TOPOLOGY_MISSING_NAME', () => {
  const b = builder();
  throwsCode(() => b.stream(undefined as unknown as string, 'in', { codec: stringCodec }), 'TOPOLOGY_MISSING_NAME');
  const s = b.stream('src', 'in', { codec: stringCodec });
  throwsCode(() => s.filter('', () => true), 'TOPOLOGY_MISSING_NAME');
  throwsCode(() => s.to(undefined as unknown as string, 'out', { codec: stringCodec }), 'TOPOLOGY_MISSING_NAME');
});

test('duplicate names throw TOPOLOGY_DUPLICATE_NAME, across node kinds', () => {
  const b = builder();
  const s = b.stream('src', 'in', { codec: stringCodec });
  s.filter('step', () => true);
  throwsCode(() => s.mapValues('step', (v) => v), 'TOPOLOGY_DUPLICATE_NAME');
  throwsCode(() => s.to('src', 'out', { codec: stringCodec }), 'TOPOLOGY_DUPLICATE_NAME');
  b.addStore('results', { ttlMs: 1000, codec: jsonValueCodec });
  throwsCode(() => b.addStore('results', { ttlMs: 1000, codec: jsonValueCodec }), 'TOPOLOGY_DUPLICATE_NAME');
});

test('names with spaces or commas (which would break the description) are rejected', () => {
  const s = builder().stream('src', 'in', { codec: stringCodec });
  throwsCode(() => s.filter('a b', () => true), 'TOPOLOGY_INVALID_NAME');
  throwsCode(() => s.filter('a,b', () => true), 'TOPOLOGY_INVALID_NAME');
  throwsCode(() => new StreamsBuilder({ applicationId: '' }), 'TOPOLOGY_MISSING_NAME');
});

test('one source per topic; a topology needs a source; a split needs a branch', () => {
  const b = builder();
  b.stream('a', 'in', { codec: stringCodec });
  throwsCode(() => b.stream('b', 'in', { codec: stringCodec }), 'TOPOLOGY_DUPLICATE_TOPIC');
  throwsCode(() => builder().build(), 'TOPOLOGY_NO_SOURCES');
  const c = builder();
  c.stream('src', 'in', { codec: stringCodec }).split('empty');
  throwsCode(() => c.build(), 'TOPOLOGY_EMPTY_SPLIT');
});

test('stores must be declared on the same builder; dead letters must be dead-letter sinks', () => {
  const other = builder().addStore('results', { ttlMs: 1000, codec: jsonValueCodec });
  const b = builder();
  const s = b.stream('src', 'in', { codec: stringCodec });
  throwsCode(() => s.peek('p', () => undefined, { stores: [other] }), 'TOPOLOGY_UNKNOWN_STORE');
  throwsCode(() => s.peek('q', () => undefined, { deadLetter: { name: 'src', topic: 'x' } }), 'TOPOLOGY_FOREIGN_NODE');
});

test('bad options name the node and the field', () => {
  const b = builder();
  const s = b.stream('src', 'in', { codec: stringCodec });
  try {
    s.mapAsync('check', async (v) => v, { concurrency: 0, timeoutMs: 100 });
    assert.unreachable();
  } catch (error) {
    assert.is((error as TopologyException).code, 'TOPOLOGY_INVALID_OPTION');
    assert.match((error as Error).message, /check: concurrency/);
  }
  throwsCode(() => s.mapAsync('check2', async (v) => v, { concurrency: 1, timeoutMs: 100, retry: { maxAttempts: 0 } }), 'TOPOLOGY_INVALID_OPTION');
  throwsCode(() => b.addStore('s', { ttlMs: -1, codec: jsonValueCodec }), 'TOPOLOGY_INVALID_OPTION');
  throwsCode(() => b.addStore('s', { ttlMs: 2 ** 40, codec: jsonValueCodec }), 'TOPOLOGY_INVALID_OPTION');
  throwsCode(() => b.stream('nocodec', 'in2', {} as never), 'TOPOLOGY_INVALID_OPTION');
  s.split('no-branches').noDefaultBranch();
  throwsCode(() => b.build(), 'TOPOLOGY_EMPTY_SPLIT');
});

test('building runs nothing and the topology is immutable', () => {
  let calls = 0;
  const b = builder();
  b.stream<string>('src', 'in', { codec: { name: 'spy', decode: () => { calls++; return ''; }, encode: () => null } })
    .filter('f', () => { calls++; return true; })
    .mapAsync('a', async () => { calls++; }, { concurrency: 1, timeoutMs: 10 })
    .to('sink', 'out', { codec: jsonCodec() });
  const topology = b.build();
  assert.is(calls, 0);
  assert.ok(Object.isFrozen(topology));
  assert.ok(Object.isFrozen(topology.nodes.get('f')));
  assert.ok(Object.isFrozen(topology.sources));
  assert.throws(() => (topology.sources as unknown as unknown[]).push({}));
  assert.not.ok('set' in topology.nodes, 'the node map has no setter');
  assert.equal([...topology.nodes.keys()], ['src', 'f', 'a', 'sink']);
  // the builder goes on; the built topology does not change
  b.stream('src2', 'in2', { codec: stringCodec });
  assert.is(topology.sources.length, 1);
  assert.is(b.build().sources.length, 2);
});

test('stores get the Kafka Streams changelog topic name', () => {
  const b = new StreamsBuilder({ applicationId: 'availability-check' });
  const ref = b.addStore('results', { ttlMs: 1000, codec: jsonValueCodec });
  assert.is(ref.changelogTopic, 'availability-check-results-changelog');
});

test('a split ends once', () => {
  const s = builder().stream('src', 'in', { codec: stringCodec });
  const split = s.split('sp').branch('one', () => true);
  split.defaultBranch('rest');
  throwsCode(() => split.branch('two', () => true), 'TOPOLOGY_INVALID_OPTION');
});

test.run();
