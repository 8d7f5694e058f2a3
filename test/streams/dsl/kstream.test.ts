// The operators, run through the test driver.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, StreamsBuilder, stringCodec } from '../../../src/streams/dsl/index.ts';
import { TopologyTestDriver } from '../../../src/streams/embedded/index.ts';

test('map changes key, value and headers; mapValues keeps key and headers', async () => {
  const b = new StreamsBuilder({ applicationId: 'ops' });
  const s = b.stream<{ id: string; n: number }>('src', 'in', { codec: jsonCodec() });
  s.map('rekey', (r) => ({ key: r.value.id, value: r.value.n * 2, headers: { ...r.headers, 'x-rekeyed': 'yes' } })).to('mapped', 'mapped', { codec: jsonCodec() });
  s.mapValues('double', (v) => v.n * 2).to('values', 'values', { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  driver.pipeJson('in', 'old', { id: 'new', n: 21 }, { 'x-rh-identity': 'abc' });
  await driver.runUntilIdle();
  const [mapped] = driver.readOutput('mapped');
  assert.is(mapped!.key, 'new');
  assert.equal(mapped!.headers, { 'x-rh-identity': 'abc', 'x-rekeyed': 'yes' });
  assert.equal(driver.readValues('mapped'), [42]);
  const [value] = driver.readOutput('values');
  assert.is(value!.key, 'old');
  assert.equal(value!.headers, { 'x-rh-identity': 'abc' });
});

test('flatMap emits in order; filter drops; peek sees each record and forwards it unchanged', async () => {
  const peeked: string[] = [];
  const b = new StreamsBuilder({ applicationId: 'ops' });
  b.stream<string>('src', 'in', { codec: stringCodec })
    .flatMap('words', (r) => r.value.split(' ').map((w) => ({ key: w, value: w })))
    .filter('long', (w) => w.length > 2)
    .peek('look', (w, ctx) => peeked.push(`${ctx.key}@${ctx.origin.offset}`))
    .to('out-sink', 'out', { codec: stringCodec });
  const driver = new TopologyTestDriver(b.build());
  driver.pipeInput('in', null, 'the quick brown fox is up');
  driver.pipeInput('in', null, 'go north');
  await driver.runUntilIdle();
  assert.equal(driver.readOutput('out').map((r) => r.value!.toString()), ['the', 'quick', 'brown', 'fox', 'north']);
  assert.equal(peeked, ['the@0', 'quick@0', 'brown@0', 'fox@0', 'north@1']);
});

test('a stream can feed several steps: each gets every record', async () => {
  const b = new StreamsBuilder({ applicationId: 'ops' });
  const s = b.stream<string>('src', 'in', { codec: stringCodec });
  s.to('a-sink', 'a', { codec: stringCodec });
  s.mapValues('upper', (v) => v.toUpperCase()).to('b-sink', 'b', { codec: stringCodec });
  const driver = new TopologyTestDriver(b.build());
  driver.pipeInput('in', 'k', 'x');
  await driver.runUntilIdle();
  assert.equal([driver.readOutput('a')[0]!.value!.toString(), driver.readOutput('b')[0]!.value!.toString()], ['x', 'X']);
});

test('the context gives the clock and the origin of the input record', async () => {
  const seen: unknown[] = [];
  const b = new StreamsBuilder({ applicationId: 'ops' });
  b.stream<string>('src', 'in', { codec: stringCodec }).peek('look', (_v, ctx) => seen.push([ctx.now(), ctx.timestamp, ctx.origin]));
  const driver = new TopologyTestDriver(b.build(), { startTime: 5000, partitions: 2 });
  driver.pipeInput('in', null, 'x', {}, { partition: 1, timestamp: 1234 });
  await driver.runUntilIdle();
  assert.equal(seen, [[5000, 1234, { topic: 'in', partition: 1, offset: 0 }]]);
});

test.run();
