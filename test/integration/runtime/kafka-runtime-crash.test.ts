// A worker process is SIGKILLed mid-stream and started again: every input gets its output at
// least once, and only records not committed at the kill are processed twice. Then SIGTERM: the
// worker stops fetching, drains, commits everything and exits 0.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCheckTopology, checkTopics, expectedStatus } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs, type Input } from './runtime-support.ts';
import { committedOffsets, WorkerProcess } from './worker-process.ts';
import { partitionForKey } from '../../../src/streams/embedded/murmur2.ts';

const PARTITIONS = 3;
const RECORDS = 3000;

test('SIGKILL mid-stream, restart: every input answered, duplicates only past the last commit', async () => {
  const topics = checkTopics('crash');
  buildCheckTopology(topics); // fails fast on a bad topology, before any process starts
  await createCheckTopics(topics, PARTITIONS);
  const collector = await Collector.start([topics.status]);
  const options = { maxUnfinishedPerPartition: 100, maxUnfinished: 300, commitIntervalMs: 100 };
  const workers: WorkerProcess[] = [];
  try {
    // distinct ids: each input has exactly one expected output, so duplicates are visible
    const inputs: Input[] = Array.from({ length: RECORDS }, (_, i) => ({ topic: topics.requests, key: String(1000 + i), value: JSON.stringify({ source_id: String(1000 + i) }) }));
    await produceInputs(inputs);
    const first = new WorkerProcess({ topics, checkDelayMs: 2, options });
    workers.push(first);
    await first.ready();
    await collector.until(() => collector.of(topics.status).length >= RECORDS / 4, 'a quarter of the outputs');
    first.kill('SIGKILL');
    await first.exited;
    const committed = await committedOffsets(topics.applicationId, topics.requests, PARTITIONS);
    const outputsAtKill = collector.of(topics.status).length;
    assert.ok(outputsAtKill < RECORDS, 'the kill happened mid-stream');
    assert.ok(committed.some((o) => o > 0), `the first worker committed progress (${committed.join(', ')})`);

    const second = new WorkerProcess({ topics, checkDelayMs: 2, options });
    workers.push(second);
    await second.ready();
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.key)).size === RECORDS, 'an output for every input', 120_000);

    const counts = new Map<string, number>();
    for (const m of collector.of(topics.status)) counts.set(m.key!, (counts.get(m.key!) ?? 0) + 1);
    // offsets of the requests partitions follow production order per partition
    const offsetOf = new Map<string, number>();
    const next = new Array<number>(PARTITIONS).fill(0);
    for (const input of inputs) {
      const partition = partitionForKey(input.key, PARTITIONS);
      offsetOf.set(input.key, next[partition]!++);
    }
    let duplicates = 0;
    for (const input of inputs) {
      const count = counts.get(input.key) ?? 0;
      assert.ok(count >= 1, `${input.key} has an output`);
      if (count > 1) {
        duplicates++;
        const partition = partitionForKey(input.key, PARTITIONS);
        assert.ok(offsetOf.get(input.key)! >= committed[partition]!, `${input.key} (offset ${offsetOf.get(input.key)} < committed ${committed[partition]}) was processed twice`);
      }
    }
    for (const m of collector.of(topics.status)) assert.is(JSON.parse(m.value!).status, expectedStatus(m.key!));
    console.log(`  outputs at kill: ${outputsAtKill}, committed: ${committed.join('/')}, duplicated after restart: ${duplicates}`);

    second.kill('SIGTERM');
    assert.is(await second.exited, 0, `a SIGTERM stop exits 0:\n${second.output.slice(-2000)}`);
    assert.match(second.output, /STOPPED/);
    const final = await committedOffsets(topics.applicationId, topics.requests, PARTITIONS);
    assert.equal(final, next, 'after a graceful stop every record is committed');
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.kill('SIGKILL');
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test.run();
