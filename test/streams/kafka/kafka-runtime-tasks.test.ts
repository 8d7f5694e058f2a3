// The Kafka runtime's task manager and poll loop on fake clients (no broker): partition groups on
// assignment, restore before processing, revoke with work in flight, suspend and resume, pausing
// for backpressure, and commits of the finished prefix only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KafkaRuntime, type KafkaRuntimeOptions } from '../../../src/streams/kafka/index.ts';
import { buildCheckTopology, checkTopics, type CheckTopics } from '../../integration/runtime/fixtures/check-topology.ts';
import { fakeClients, Gate, type FakeClients, type FakeLog } from './fake-clients.ts';

interface Harness extends FakeClients {
  topics: CheckTopics;
  runtime: KafkaRuntime;
  calls: string[];
  /** checks wait for this gate (open unless a test closes it) */
  checks: Gate;
}

async function harness(options: Partial<KafkaRuntimeOptions> = {}, log?: FakeLog, topics = checkTopics('fake')): Promise<Harness> {
  const clients = fakeClients(2, log);
  const calls: string[] = [];
  const checks = new Gate();
  checks.open();
  const topology = buildCheckTopology(topics, {
    check: async (id) => {
      calls.push(id);
      await checks.wait();
      return 'available';
    },
  });
  const runtime = new KafkaRuntime(topology, { brokers: 'fake:9092', commitIntervalMs: 10, purgeIntervalMs: 60_000, healthIntervalMs: 60_000, revokeGraceMs: 200, ...options }, clients.supplier);
  await runtime.start();
  return { ...clients, topics, runtime, calls, checks };
}

function request(h: Harness, topic: string, partition: number, id: string): void {
  h.log.append(topic, partition, { key: id, value: Buffer.from(JSON.stringify({ source_id: id })), timestamp: Date.now() });
}

function all(h: Harness) {
  return [0, 1].flatMap((partition) => [{ topic: h.topics.requests, partition }, { topic: h.topics.priority, partition }]);
}

async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const statuses = (h: Harness) => h.log.values(h.topics.status).map((v) => JSON.parse(v) as { source_id: string; via: string });

test('assignment makes one task per partition group; its partitions stay paused until its shard is restored', async () => {
  const h = await harness();
  try {
    h.restorer.gate.close();
    request(h, h.topics.requests, 0, '1');
    request(h, h.topics.priority, 0, '2');
    request(h, h.topics.requests, 1, '3');
    h.consumer.assign(all(h));
    assert.equal(h.runtime.ownedTasks(), [0, 1]);
    assert.is(h.runtime.health().restoringShards, 2);
    await new Promise((resolve) => setTimeout(resolve, 30));
    assert.is(h.runtime.counters().consumed, 0, 'nothing read while restoring');
    assert.is(h.consumer.paused.size, 4, 'every partition of both groups paused');
    h.restorer.gate.open();
    await until(() => statuses(h).length === 3, 'three statuses');
    assert.equal(h.restorer.restores.sort(), [0, 1]);
    assert.is(h.consumer.paused.size, 0, 'resumed once restored');
    assert.is(h.runtime.counters().splitGroups, 0);
  } finally {
    await h.runtime.stop();
  }
});

test('a restored shard answers from the table: another worker\'s results are there', async () => {
  const first = await harness();
  request(first, first.topics.requests, 1, '7');
  first.consumer.assign(all(first));
  await until(() => statuses(first).length === 1, 'the first answer');
  await first.runtime.stop();
  // a second worker on the same cluster takes partition group 1 over
  const second = await harness({}, first.log, first.topics);
  try {
    second.consumer.committedOffsets.set(`${first.topics.requests}[1]`, 1);
    request(second, second.topics.requests, 1, '7');
    second.consumer.assign([{ topic: second.topics.requests, partition: 1 }, { topic: second.topics.priority, partition: 1 }]);
    await until(() => statuses(second).length === 2, 'the second answer');
    assert.equal(second.calls, [], 'no check: the restored table answered');
    assert.is(statuses(second)[1]!.via, 'cache');
    assert.ok(second.runtime.counters().restored >= 1);
  } finally {
    await second.runtime.stop();
  }
});

test('revoke with a record in flight: the finished prefix is committed, the task closed, the rest read again by the next owner', async () => {
  const h = await harness();
  try {
    h.consumer.assign(all(h));
    await until(() => h.runtime.health().restoringShards === 0, 'restored');
    request(h, h.topics.requests, 0, '10');
    await until(() => statuses(h).length === 1, 'the first record finished');
    h.checks.close();
    request(h, h.topics.requests, 0, '11');
    request(h, h.topics.requests, 0, '12');
    await until(() => h.calls.includes('11'), 'the second record in flight');
    await h.consumer.revoke(all(h));
    assert.is(h.consumer.committedOffsets.get(`${h.topics.requests}[0]`), 1, 'only the finished prefix');
    assert.equal(h.runtime.assignment(), []);
    assert.equal(h.runtime.ownedTasks(), []);
    // given back: the group is restored afresh (its task was closed with work abandoned) and reads from the commit
    h.checks.open();
    const restoresBefore = h.restorer.restores.length;
    h.consumer.assign(all(h));
    await until(() => statuses(h).some((s) => s.source_id === '12'), 'the abandoned records answered');
    await until(() => h.consumer.committedOffsets.get(`${h.topics.requests}[0]`) === 3, 'committed');
    assert.equal(statuses(h).map((s) => s.source_id), ['10', '11', '12'], 'the abandoned task emitted nothing more: one answer each');
    assert.ok(h.restorer.restores.length > restoresBefore, 'restored again');
    assert.is(h.runtime.counters().resumed, 1, 'group 1 had nothing in flight: suspended and resumed');
  } finally {
    h.checks.open();
    await h.runtime.stop();
  }
});

test('a revoked task with nothing in flight is suspended and, given back unchanged, runs on without a restore', async () => {
  const h = await harness();
  try {
    h.consumer.assign(all(h));
    request(h, h.topics.requests, 0, '20');
    request(h, h.topics.priority, 1, '21');
    await until(() => statuses(h).length === 2, 'two answers');
    const restores = h.restorer.restores.length;
    await h.consumer.revoke(all(h));
    h.consumer.assign(all(h));
    await until(() => h.runtime.counters().resumed === 2, 'both tasks resumed');
    assert.is(h.restorer.restores.length, restores, 'no restore');
    // a write by someone else while it was away: the next time it is restored afresh
    await h.consumer.revoke(all(h));
    h.log.append(`${h.topics.applicationId}-results-changelog`, 0, { key: '99', value: Buffer.from('"unavailable"'), timestamp: Date.now() });
    h.consumer.assign(all(h));
    await until(() => h.runtime.health().restoringShards === 0 && h.restorer.restores.length === restores + 1, 'group 0 restored again');
    assert.equal(h.restorer.restores.slice(restores), [0]);
    request(h, h.topics.requests, 0, '99');
    await until(() => statuses(h).length === 3, 'the answer for 99');
    assert.is(statuses(h)[2]!.via, 'cache', 'the other worker\'s write is in the table');
  } finally {
    await h.runtime.stop();
  }
});

test('backpressure pauses a partition whose queue is full and resumes it once there is room', async () => {
  const h = await harness({ maxUnfinishedPerPartition: 2, maxUnfinished: 2, maxWaitingPerPartition: 3, batchSize: 10 });
  try {
    h.consumer.assign(all(h));
    await until(() => h.runtime.health().restoringShards === 0, 'restored');
    h.checks.close();
    for (let i = 0; i < 20; i++) request(h, h.topics.requests, 0, String(100 + i));
    await until(() => h.consumer.paused.has(`${h.topics.requests}[0]`), 'requests[0] paused');
    assert.ok(!h.consumer.paused.has(`${h.topics.priority}[0]`), 'its priority partner keeps fetching');
    h.checks.open();
    await until(() => statuses(h).length === 20, 'every record answered');
    assert.ok(!h.consumer.paused.has(`${h.topics.requests}[0]`), 'resumed');
  } finally {
    h.checks.open();
    await h.runtime.stop();
  }
});

test('periodic commits cover the finished prefix only, never past a record in flight', async () => {
  const h = await harness();
  try {
    h.consumer.assign(all(h));
    await until(() => h.runtime.health().restoringShards === 0, 'restored');
    request(h, h.topics.requests, 1, '30');
    request(h, h.topics.requests, 1, '31');
    await until(() => statuses(h).length === 2, 'two answers');
    h.checks.close();
    request(h, h.topics.requests, 1, '32'); // blocks
    request(h, h.topics.requests, 1, '33'); // different key: runs beside it, finishes first? also blocked by the gate
    await until(() => h.consumer.committedOffsets.get(`${h.topics.requests}[1]`) === 2, 'the prefix committed');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.is(h.consumer.committedOffsets.get(`${h.topics.requests}[1]`), 2, 'not past the record in flight');
    h.checks.open();
    await until(() => h.consumer.committedOffsets.get(`${h.topics.requests}[1]`) === 4, 'everything committed');
  } finally {
    h.checks.open();
    await h.runtime.stop();
  }
});

test('ownership is told after every assignment and revocation (owned groups of all)', async () => {
  const told: [number, number][] = [];
  const h = await harness({ onOwnership: (owned, total) => told.push([owned, total]) });
  try {
    h.consumer.assign([{ topic: h.topics.requests, partition: 1 }, { topic: h.topics.priority, partition: 1 }]);
    await h.consumer.revoke([{ topic: h.topics.requests, partition: 1 }, { topic: h.topics.priority, partition: 1 }]);
    h.consumer.assign(all(h));
    assert.equal(told, [[1, 2], [0, 2], [2, 2]]);
  } finally {
    await h.runtime.stop();
  }
});

test.run();
