// kafka-peer's contender for this project's Kafka runtime: the fixture topology on KafkaRuntime
// at its defaults, until SIGTERM. Protocol: contender-env.ts.
import { KafkaRuntime } from '../../../src/streams/kafka/index.ts';
import { buildCheckTopology, expectedStatus } from '../../integration/runtime/fixtures/check-topology.ts';
import { contenderEnv, say } from './contender-env.ts';

const env = contenderEnv();
const app = env.PEER_APPLICATION_ID;
let checks = 0;
const topology = buildCheckTopology({
  applicationId: app, requests: env.PEER_REQUESTS, priority: env.PEER_PRIORITY, status: env.PEER_STATUS,
  deadLetters: env.PEER_DEAD_LETTERS, changelog: `${app}-results-changelog`,
}, { ttlMs: Number(env.PEER_TTL_MS), check: async (id) => { checks++; return expectedStatus(id); } });
const runtime = new KafkaRuntime(topology, { brokers: env.PEER_BROKERS, applicationId: env.PEER_GROUP, createTopics: false });
const started = performance.now();
// the first record processed: polled (every 2 ms) so the runtime's code is measured as it is
const firstRecord = setInterval(() => {
  if (runtime.counters().processed === 0) return;
  say(`first-record-ms ${performance.now() - started}`);
  clearInterval(firstRecord);
}, 2);
const failed = setInterval(() => {
  if (!runtime.failure) return;
  say(`failed ${runtime.failure.message}`);
  process.exit(1);
}, 200);
process.once('SIGTERM', () => {
  clearInterval(firstRecord);
  clearInterval(failed);
  void runtime.stop().then(() => { say(`checks ${checks}`); process.exit(0); });
});
await runtime.start();
