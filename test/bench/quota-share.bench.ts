// Throttle replies while workers join and leave: the STS emulator enforces the AWS quota (20/s,
// burst 100) on the deployment's identity; a backlog of AWS checks is posted at once while worker
// processes' worth of the service join (1 → 2 → 3) and leave (3 → 2 → 1). Each worker uses the
// quota times its share of the partition groups, so together they should stay inside it: the
// figure is the throttle replies the emulator sent, next to the calls made and the pace reached.
//
// Run alone: node --import tsx --expose-gc test/bench/run.ts quota-share
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/index.ts';
import { AUTHTYPE_BY_PROVIDER } from '../../src/domain/types.ts';
import { createLogger } from '../../src/service/logger.ts';
import { startService, type RunningService } from '../../src/service/start-service.ts';
import { startEmulators } from '../emulators/index.ts';
import { CHECK_PATH, kafkaServiceEnv } from '../support/service.ts';
import { benchBroker, createTopics, deleteTopics } from './kafka-support.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'quota-share';

const PARTITIONS = 6;
const QUOTA = 20;
const STEP_MS = 8_000;

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sources = options.quick ? 600 : 1200;
  const broker = await benchBroker();
  const emulators = await startEmulators({ seedDemo: false, latencyMs: 20, buckets: { aws: { ratePerSec: QUOTA, burst: 100 } } });
  const prefix = `bench-quota-${Date.now()}`;
  const env = {
    ...kafkaServiceEnv(broker.brokers, prefix), PORT: '0', METRICS_PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', SOURCES_URL: emulators.sourcesUrl,
    AWS_RATE_PER_SEC: String(QUOTA), AWS_BURST: '100', INGRESS_ORG_RATE_PER_SEC: '10000', INGRESS_ORG_BURST: '10000',
  };
  const config = loadConfig(env, { require: ['SOURCES_URL'] });
  const logger = createLogger(config.logLevel, process.stderr);
  const topics = [config.topics.requests, config.topics.priority, config.topics.status, config.topics.deadLetter];
  await createTopics(broker.brokers, topics, PARTITIONS);
  const workers: RunningService[] = [];
  try {
    for (let i = 0; i < sources; i++) {
      emulators.sources.seed(String(50_000 + i), { authentications: [{ authtype: AUTHTYPE_BY_PROVIDER.aws, username: `arn:aws:iam::123456789012:role/quota-${i}`, resource_id: String(70_000 + i) }] });
    }
    workers.push(await startService({ config, role: 'all', logger, checkers: emulators.checkers }));
    const url = workers[0]!.ingress!.url;
    const headers = { 'x-rh-identity': emulators.identity.xRhIdentity, 'x-rh-sources-org-id': emulators.identity.orgId, 'content-type': 'application/json' };
    const started = Date.now();
    for (let i = 0; i < sources; i += 20) {
      await Promise.all(Array.from({ length: Math.min(20, sources - i) }, async (_, j) => {
        const response = await fetch(`${url}${CHECK_PATH}`, { method: 'POST', headers, body: JSON.stringify({ source_id: String(50_000 + i + j) }) });
        await response.arrayBuffer();
        if (response.status !== 202) throw new Error(`POST answered ${response.status}`);
      }));
    }
    const steps: string[] = [];
    const note = (what: string) => steps.push(`${what} at ${((Date.now() - started) / 1000).toFixed(1)} s: ${emulators.sts.calls.total} calls, ${emulators.sts.calls.byVerdict.throttled} throttled`);
    for (const change of ['join', 'join', 'leave', 'leave'] as const) {
      await sleep(STEP_MS);
      if (change === 'join') workers.push(await startService({ config, role: 'worker', logger, checkers: emulators.checkers }));
      else await workers.pop()!.stop();
      note(`${change} → ${workers.length} worker(s)`);
    }
    while (emulators.sts.calls.byVerdict.ok < sources) {
      if (Date.now() - started > 300_000) throw new Error(`only ${emulators.sts.calls.byVerdict.ok} of ${sources} checks done in 300 s`);
      await sleep(200);
    }
    const seconds = (Date.now() - started) / 1000;
    for (const step of steps) console.log(`   ${step}`);
    const { total, byVerdict } = emulators.sts.calls;
    console.log(`   ${sources} checks in ${seconds.toFixed(1)} s: ${total} STS calls, ${byVerdict.throttled} throttle replies`);
    const label = `quota share, ${sources} AWS checks, workers 1→2→3→2→1, ${QUOTA}/s bucket`;
    return [
      { benchmark: label, metric: 'throttle replies', value: byVerdict.throttled },
      { benchmark: label, metric: 'STS calls', value: total },
      { benchmark: label, metric: 'successful checks per second', value: sources / seconds },
    ];
  } finally {
    for (const w of workers.reverse()) await w.stop().catch(() => undefined);
    await emulators.stop();
    await deleteTopics(broker.brokers, [...topics, `${config.kafka.groupId}-results-changelog`]).catch(() => undefined);
    await broker.stop();
  }
}
