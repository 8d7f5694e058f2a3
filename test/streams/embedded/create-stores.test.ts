import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { jsonValueCodec, TtlTable } from '../../../src/streams/store/index.ts';
import { ManualClock } from '../../../src/streams/clock.ts';
import { PartitionedLog } from '../../../src/streams/embedded/index.ts';
import { createStores } from '../../../src/streams/embedded/create-stores.ts';

function topology() {
  const b = new StreamsBuilder({ applicationId: 'app' });
  const results = b.addStore('results', { ttlMs: 1000, codec: jsonValueCodec });
  b.stream<string>('src', 'in', { codec: stringCodec }).peek('p', () => undefined, { stores: [results] });
  return b.build();
}

test('creates a TTL table per store and restores it from every changelog partition, tombstones included', () => {
  const clock = new ManualClock(10_000);
  const log = new PartitionedLog();
  log.createTopic('app-results-changelog', 2);
  const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
  log.append('app-results-changelog', { key: '1', value: bytes('a'), timestamp: 9_500 });
  log.append('app-results-changelog', { key: '2', value: bytes('b'), timestamp: 9_500 });
  log.append('app-results-changelog', { key: '2', value: null, timestamp: 9_600 });
  log.append('app-results-changelog', { key: '3', value: bytes('old'), timestamp: 8_000 });
  log.append('app-results-changelog', { key: null, value: bytes('ignored') });
  const { results } = createStores(topology(), clock, log);
  assert.instance(results, TtlTable);
  assert.is(results!.get('1'), 'a');
  assert.is(results!.get('2'), undefined, 'tombstone applied');
  assert.is(results!.get('3'), undefined, 'written 2 s ago with a 1 s TTL: expired');
  clock.advance(500);
  assert.is(results!.get('1'), undefined, 'expires 1 s after it was written, not after the restore');
});

test('a custom factory is used when given', () => {
  const made: string[] = [];
  createStores(topology(), new ManualClock(), new PartitionedLog(), (ref, clock) => {
    made.push(ref.name);
    return new TtlTable({ name: ref.name, ttlMs: ref.ttlMs, clock, codec: ref.codec });
  });
  assert.equal(made, ['results']);
});

test.run();
