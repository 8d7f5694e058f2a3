// Cloud quotas follow ownership: with 1, 2 and 3 worker processes' worth of the service on one
// group, each worker's provider buckets run at the configured quota times its share of the
// partition groups, so after every rebalance the workers' rates add up to the configured quota
// (the one the deployment has at the cloud), never to a multiple of it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { startEmulators } from '../emulators/index.ts';
import { createTopic, deleteTopic, testBrokers, uniqueName } from '../support/kafka.ts';
import { kafkaServiceEnv } from '../support/service.ts';

const PARTITIONS = 6;
const QUOTAS = { aws: 20, azure: 25, gcp: 10 };
/** the fraction of each quota the limiter aims at (src/ratelimit/check-limiter.ts) */
const HEADROOM = 0.98;

async function providerRates(service: RunningService): Promise<Record<string, number>> {
  const metric = service.registry.getSingleMetric('sources_availability_check_ratelimit_rate_per_second')!;
  const { values } = await metric.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.type), v.value]));
}

async function settled(workers: RunningService[]): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const owned = workers.flatMap((w) => w.kafka!.ownedTasks());
    // range assignment gives each of up to PARTITIONS members at least one group
    const everyoneOwns = workers.every((w) => w.kafka!.ownedTasks().length > 0 && w.kafka!.health().restoringShards === 0);
    if (everyoneOwns && owned.length === PARTITIONS && new Set(owned).size === PARTITIONS) return;
    if (Date.now() > deadline) throw new Error(`no settled assignment: ${JSON.stringify(workers.map((w) => w.kafka!.ownedTasks()))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function assertQuotaSplit(workers: RunningService[]): Promise<void> {
  await settled(workers);
  const rates = await Promise.all(workers.map(providerRates));
  for (const [provider, quota] of Object.entries(QUOTAS)) {
    const sum = rates.reduce((total, r) => total + r[provider]!, 0);
    assert.ok(Math.abs(sum - quota * HEADROOM) < 1e-6, `${workers.length} worker(s): ${provider} rates ${rates.map((r) => r[provider]!.toFixed(2)).join(' + ')} = ${sum}, quota ${quota} x ${HEADROOM}`);
  }
  console.log(`  ${workers.length} worker(s) own ${JSON.stringify(workers.map((w) => w.kafka!.ownedTasks()))}; aws rates ${rates.map((r) => r.aws!.toFixed(2)).join(' + ')}`);
}

test('with 1, 2 and 3 workers joining and leaving, the provider rates add up to the configured quota', async () => {
  const emulators = await startEmulators();
  const env = kafkaServiceEnv(testBrokers(), uniqueName('quota'));
  const config = loadConfig({ ...env, PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SOURCES_URL: emulators.sourcesUrl }, { require: ['SOURCES_URL'] });
  const topics = [config.topics.requests, config.topics.priority];
  await Promise.all(topics.map((t) => createTopic(t, PARTITIONS)));
  const logger = createLogger(config.logLevel, process.stderr);
  const workers: RunningService[] = [];
  try {
    for (let n = 1; n <= 3; n++) {
      workers.push(await startService({ config, role: 'worker', logger, checkers: emulators.checkers }));
      await assertQuotaSplit(workers);
    }
    while (workers.length > 1) {
      await workers.pop()!.stop();
      await assertQuotaSplit(workers);
    }
  } finally {
    for (const w of workers) await w.stop();
    await emulators.stop();
    await Promise.all([...topics, config.topics.status, config.topics.deadLetter, `${config.kafka.groupId}-results-changelog`].map(deleteTopic));
  }
});

test.run();
