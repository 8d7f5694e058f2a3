// The broker is stopped for about 10 s mid-stream and started again on the same data: the runtime
// reports unhealthy while it cannot reach the cluster, reconnects, resumes, and loses nothing.
// It runs its own broker (test/kafka/broker.sh on port KAFKA_RESTART_PORT, default 19292) so
// that no other test sees the outage; skipped when the suite was given an outside broker
// through KAFKA_BROKERS (then there may be no local Kafka to start).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { buildCheckTopology, checkTopics, expectedStatus } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs } from './runtime-support.ts';

const run = promisify(execFile);
const brokerScript = path.resolve(import.meta.dirname, '../../kafka/broker.sh');
const port = Number(process.env.KAFKA_RESTART_PORT ?? 19292);
const RECORDS = 4000;
const OUTAGE_MS = 10_000;

const outside = process.env.KAFKA_BROKERS !== undefined && !(process.env.KAFKA_BROKER_DESCRIPTION ?? '').includes('project KRaft broker')
  && !(process.env.KAFKA_BROKER_DESCRIPTION ?? '').includes('testcontainers');
if (outside) console.log('  skipped: KAFKA_BROKERS was given from outside; this test restarts a broker of its own (test/kafka/broker.sh), run it through `make test` without KAFKA_BROKERS');

async function broker(command: 'up' | 'down' | 'stop-keep' | 'start-keep'): Promise<void> {
  await run('bash', [brokerScript, command], { env: { ...process.env, KAFKA_PORT: String(port) }, timeout: 240_000 });
}

async function until(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Skipping registers no test at all (rather than test.skip): test/run.ts counts uvu's skipped tests as negative failures.
if (!outside) test('a broker restart mid-stream: unhealthy meanwhile, nothing lost', async () => {
  await broker('up');
  // every helper of this file talks to this broker
  process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  const topics = checkTopics('restart');
  await createCheckTopics(topics, 2);
  const collector = await Collector.start([topics.status]);
  const runtime = new KafkaRuntime(buildCheckTopology(topics, { checkDelayMs: 5, concurrency: 2 }), {
    brokers: process.env.KAFKA_BROKERS, healthIntervalMs: 300, commitIntervalMs: 100,
  });
  try {
    await runtime.start();
    const ids = Array.from({ length: RECORDS }, (_, i) => String(200_000 + i));
    await produceInputs(ids.slice(0, RECORDS / 2).map((id) => ({ topic: topics.requests, key: id, value: JSON.stringify({ source_id: id }) })));
    await collector.until(() => collector.of(topics.status).length >= 300, 'the stream to be under way');
    assert.is(runtime.health().status, 'healthy');

    const stoppedAt = Date.now();
    await broker('stop-keep');
    await until(() => runtime.health().status === 'unhealthy', 'health() to report unhealthy', OUTAGE_MS);
    const during = runtime.health();
    assert.is(during.healthy, false);
    assert.ok(during.reason && during.reason.length > 0, 'an unhealthy report says why');
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
    await broker('start-keep');

    await until(() => runtime.health().status === 'healthy', 'health() to recover', 60_000);
    await produceInputs(ids.slice(RECORDS / 2).map((id) => ({ topic: topics.requests, key: id, value: JSON.stringify({ source_id: id }) })));
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.key)).size === RECORDS, 'an output for every input', 120_000);
    for (const m of collector.of(topics.status)) assert.is((JSON.parse(m.value!) as { status: string }).status, expectedStatus(m.key!));
    assert.is(runtime.failure, undefined);
    console.log(`  outage ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s; ${collector.of(topics.status).length} outputs for ${RECORDS} inputs`);
  } finally {
    await runtime.stop();
    await collector.close();
    await deleteCheckTopics(topics).catch(() => undefined);
    await broker('down');
  }
});

test.run();
