import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonCodec, KStream, StreamsBuilder } from '../../../src/streams/dsl/index.ts';
import { TopologyTestDriver } from '../../../src/streams/embedded/index.ts';

test('branches come back by name as streams; the first matching predicate wins', async () => {
  const b = new StreamsBuilder({ applicationId: 'split' });
  const branches = b.stream<number>('src', 'in', { codec: jsonCodec<number>() })
    .split('by-size')
    .branch('big', (n) => n > 100)
    .branch('even', (n) => n % 2 === 0)
    .defaultBranch('rest');
  assert.equal(Object.keys(branches), ['big', 'even', 'rest']);
  assert.instance(branches.big, KStream);
  for (const name of ['big', 'even', 'rest'] as const) branches[name].to(`${name}-sink`, name, { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  for (const n of [1, 2, 200, 201, 4]) driver.pipeJson('in', null, n);
  await driver.runUntilIdle();
  assert.equal([driver.readValues('big'), driver.readValues('even'), driver.readValues('rest')], [[200, 201], [2, 4], [1]]);
});

test('without a default branch unmatched records are dropped (and their offsets still commit)', async () => {
  const b = new StreamsBuilder({ applicationId: 'split' });
  const { odd } = b.stream<number>('src', 'in', { codec: jsonCodec<number>() }).split('sp').branch('odd', (n) => n % 2 === 1).noDefaultBranch();
  odd.to('odd-sink', 'odd', { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  for (const n of [1, 2, 3]) driver.pipeJson('in', null, n);
  await driver.runUntilIdle();
  assert.equal(driver.readValues('odd'), [1, 3]);
  assert.is(driver.committed('in'), 3);
});

test('a throwing predicate sends the record to the dead-letter sink, naming the split', async () => {
  const b = new StreamsBuilder({ applicationId: 'split' });
  const dlq = b.deadLetterSink('dlq-sink', 'dlq');
  const { ok } = b.stream<number>('src', 'in', { codec: jsonCodec<number>(), deadLetter: dlq })
    .split('sp')
    .branch('ok', (n) => { if (n < 0) throw new Error('negative'); return true; })
    .noDefaultBranch();
  ok.to('ok-sink', 'ok', { codec: jsonCodec() });
  const driver = new TopologyTestDriver(b.build());
  driver.pipeJson('in', null, -1);
  await driver.runUntilIdle();
  assert.equal(driver.deadLetters().map((d) => [d.code, d.node, d.reason]), [['RECORD_PROCESSING_FAILED', 'sp', 'sp: negative']]);
});

test.run();
