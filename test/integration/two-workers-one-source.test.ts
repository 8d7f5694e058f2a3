// Two worker processes' worth of the whole service on one broker (one with the ingress, one
// without), the cloud behind emulators. A source's scheduled requests and its rechecks travel on
// two topics; whichever worker answers them, a scheduled check after a recheck must send the
// recheck's status (the table entry the recheck wrote), never an older one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { startEmulators, type Emulators } from '../emulators/index.ts';
import { connectConsumer, consumeExactly, disconnect, testBrokers, uniqueName } from '../support/kafka.ts';
import { CHECK_PATH, kafkaServiceEnv } from '../support/service.ts';

interface TwoWorkers {
  emulators: Emulators;
  withIngress: RunningService;
  workerOnly: RunningService;
  statusTopic: string;
  post(sourceId: string, options?: { recheck?: boolean }): Promise<number>;
  stop(): Promise<void>;
}

async function startTwoWorkers(): Promise<TwoWorkers> {
  const emulators = await startEmulators();
  const env = { ...kafkaServiceEnv(testBrokers(), uniqueName('two-workers')), PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SOURCES_URL: emulators.sourcesUrl };
  const config = loadConfig(env, { require: ['SOURCES_URL'] });
  const logger = createLogger(config.logLevel, process.stderr);
  const started: RunningService[] = [];
  const stop = async () => {
    for (const service of started.reverse()) await service.stop();
    await emulators.stop();
  };
  try {
    started.push(await startService({ config, role: 'all', logger, checkers: emulators.checkers }));
    started.push(await startService({ config, role: 'worker', logger, checkers: emulators.checkers }));
  } catch (error) {
    await stop();
    throw error;
  }
  const [withIngress, workerOnly] = started as [RunningService, RunningService];
  const url = withIngress.ingress!.url;
  const headers = { 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId };
  return {
    emulators, withIngress, workerOnly, stop, statusTopic: config.topics.status,
    async post(sourceId, options = {}) {
      const response = options.recheck
        ? await fetch(`${url}${CHECK_PATH}/${sourceId}/recheck`, { method: 'POST', headers })
        : await fetch(`${url}${CHECK_PATH}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ source_id: sourceId }) });
      await response.arrayBuffer();
      return response.status;
    },
  };
}

/** Waits until both workers joined the group and every input partition has exactly one owner. */
async function settled(workers: TwoWorkers, partitions: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const a = workers.withIngress.kafka!;
    const b = workers.workerOnly.kafka!;
    const owned = [...a.assignment(), ...b.assignment()];
    if (a.counters().rebalances > 0 && b.counters().rebalances > 0 && owned.length === 2 * partitions && new Set(owned).size === owned.length) return;
    if (Date.now() > deadline) throw new Error(`no settled assignment within 60 s: ${JSON.stringify([a.assignment(), b.assignment()])}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function statusOf(message: { value: Buffer | null }): string {
  return (JSON.parse(message.value!.toString()) as { status: string }).status;
}

test('a scheduled check after a recheck sends the recheck\'s status, whichever worker owns which topic', async () => {
  const workers = await startTwoWorkers();
  const reader = await connectConsumer(uniqueName('two-workers-status'), [workers.statusTopic]);
  try {
    await settled(workers, 1);
    const source = workers.emulators.demo.find((d) => d.provider === 'aws' && d.expected === 'available')!;
    assert.is(await workers.post(source.sourceId), 202);
    const first = await consumeExactly(reader, 1, 60_000);
    assert.is(statusOf(first[0]!), 'available');

    // the customer's role loses its trust; the customer asks for a recheck
    workers.emulators.sts.setMode(source.accountRef, 'denied');
    const callsBefore = workers.emulators.sts.calls.total;
    assert.is(await workers.post(source.sourceId, { recheck: true }), 202);
    const recheck = await consumeExactly(reader, 1, 60_000);
    assert.is(statusOf(recheck[0]!), 'unavailable');
    assert.is(workers.emulators.sts.calls.total, callsBefore + 1, 'the recheck went to the cloud');

    for (let i = 0; i < 3; i++) {
      assert.is(await workers.post(source.sourceId), 202);
      const scheduled = await consumeExactly(reader, 1, 60_000);
      assert.is(statusOf(scheduled[0]!), 'unavailable', `scheduled check ${i + 1} after the recheck`);
    }
    const owners = [workers.withIngress.kafka!.assignment(), workers.workerOnly.kafka!.assignment()];
    console.log(`  owners: ${JSON.stringify(owners)}; cloud calls ${workers.emulators.sts.calls.total}`);
  } finally {
    await disconnect(reader);
    await workers.stop();
  }
});

test('a scheduled request and a recheck of one source arriving together make one cloud call', async () => {
  const workers = await startTwoWorkers();
  const reader = await connectConsumer(uniqueName('two-workers-status'), [workers.statusTopic]);
  try {
    await settled(workers, 1);
    const source = workers.emulators.demo.find((d) => d.provider === 'gcp' && d.expected === 'available')!;
    workers.emulators.gcp.setMode(source.accountRef, { slow: 1000 });
    const posts = await Promise.all([workers.post(source.sourceId), workers.post(source.sourceId, { recheck: true })]);
    assert.equal(posts, [202, 202]);
    const answers = await consumeExactly(reader, 2, 60_000);
    assert.equal(answers.map(statusOf), ['available', 'available']);
    assert.is(workers.emulators.gcp.calls.total, 1, 'one cloud call answered both');
  } finally {
    await disconnect(reader);
    await workers.stop();
  }
});

test.run();
