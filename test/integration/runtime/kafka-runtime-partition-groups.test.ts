// Workers join and leave (1 → 2 → 3 → 2 → 1) while records flow: at no moment does a worker own
// requests[i] without priority[i] (a partition group is never split), no partition has two
// owners, and every input gets its output. The runtime counts the moments an owned group lacked a
// partition (checked after every assignment and revocation); this test also samples ownership.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime, type KafkaRuntimeOptions } from '../../../src/streams/kafka/index.ts';
import { testBrokers } from '../../support/kafka.ts';
import { buildCheckTopology, checkTopics, expectedStatus, type CheckTopics } from './fixtures/check-topology.ts';
import { Collector, createCheckTopics, deleteCheckTopics, produceInputs } from './runtime-support.ts';

const PARTITIONS = 4;

function worker(topics: CheckTopics, options: Partial<KafkaRuntimeOptions> = {}): KafkaRuntime {
  const topology = buildCheckTopology(topics, {
    check: async (id) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return expectedStatus(id);
    },
  });
  return new KafkaRuntime(topology, { brokers: testBrokers(), commitIntervalMs: 100, revokeGraceMs: 3000, ...options });
}

/** Samples every worker's ownership until stopped; collects what breaks the invariants. */
class OwnershipWatch {
  readonly violations: string[] = [];
  samples = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(topics: CheckTopics, workers: () => KafkaRuntime[]) {
    this.#timer = setInterval(() => {
      this.samples++;
      const owners = new Map<string, number>();
      workers().forEach((w, n) => {
        const owned = new Set(w.assignment());
        for (let i = 0; i < PARTITIONS; i++) {
          const requests = owned.has(`${topics.requests}[${i}]`);
          const priority = owned.has(`${topics.priority}[${i}]`);
          if (requests !== priority) this.violations.push(`worker ${n} owns ${requests ? 'requests' : 'priority'}[${i}] alone`);
        }
        for (const key of owned) owners.set(key, (owners.get(key) ?? 0) + 1);
      });
      for (const [key, count] of owners) if (count > 1) this.violations.push(`${key} has ${count} owners`);
    }, 2);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

async function settled(collector: Collector, workers: KafkaRuntime[], what: string): Promise<void> {
  await collector.until(() => {
    const owned = workers.flatMap((w) => w.assignment());
    return owned.length === 2 * PARTITIONS && new Set(owned).size === owned.length && workers.every((w) => w.health().restoringShards === 0);
  }, what, 60_000);
}

function produce(topics: CheckTopics, from: number, count: number): { ids: string[]; done: Promise<void> } {
  const ids = Array.from({ length: count }, (_, i) => String(from + i));
  const done = produceInputs(ids.map((id) => ({ topic: Number(id) % 4 === 0 ? topics.priority : topics.requests, key: id, value: JSON.stringify({ source_id: id }) })));
  return { ids, done };
}

test('workers joining and leaving: a partition group always has one owner, and nothing is lost', async () => {
  const topics = checkTopics('groups');
  await createCheckTopics(topics, PARTITIONS);
  const collector = await Collector.start([topics.status]);
  const running: KafkaRuntime[] = [];
  const all: KafkaRuntime[] = [];
  const watch = new OwnershipWatch(topics, () => running);
  const ids: string[] = [];
  const start = async () => {
    const w = worker(topics);
    all.push(w);
    await w.start();
    running.push(w);
  };
  const leave = async () => {
    const w = running.pop()!;
    await w.stop();
  };
  try {
    await start();
    await settled(collector, running, 'one worker owning everything');
    let batch = 0;
    for (const step of [start, start, leave, leave]) {
      const { ids: more, done } = produce(topics, 100_000 * ++batch, 500);
      ids.push(...more);
      await step();
      await done;
      await settled(collector, running, `a settled assignment with ${running.length} workers`);
      const owned = running.map((w) => w.ownedTasks());
      assert.is(owned.flat().length, PARTITIONS, `every partition group owned once: ${JSON.stringify(owned)}`);
    }
    await collector.until(() => new Set(collector.of(topics.status).map((m) => m.key)).size === ids.length, 'an output for every input', 60_000);
    watch.stop();
    assert.equal(watch.violations.slice(0, 5), [], `ownership sampled ${watch.samples} times`);
    for (const w of all) assert.is(w.counters().splitGroups, 0, 'no owned group ever lacked a partition');
    console.log(`  ${ids.length} inputs, ${watch.samples} ownership samples; tasks resumed without restore: ${all.map((w) => w.counters().resumed).join(', ')}`);
  } finally {
    watch.stop();
    for (const w of all) await w.stop();
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test('the check can fail: cooperative-sticky assignment splits partition groups, and the runtime counts it', async () => {
  const topics = checkTopics('groups-split');
  await createCheckTopics(topics, PARTITIONS);
  const collector = await Collector.start([topics.status]);
  const options = { consumerConfig: { 'partition.assignment.strategy': 'cooperative-sticky' } };
  const a = worker(topics, options);
  const b = worker(topics, options);
  try {
    await a.start();
    await b.start();
    await collector.until(() => a.counters().splitGroups + b.counters().splitGroups > 0, 'a split group to be seen', 60_000);
  } finally {
    await a.stop();
    await b.stop();
    await collector.close();
    await deleteCheckTopics(topics);
  }
});

test.run();
