// Spawns fixtures/worker.ts as a child process and follows what it prints.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import Kafka from 'node-rdkafka';
import { testBrokers } from '../../support/kafka.ts';
import type { CheckTopics } from './fixtures/check-topology.ts';

const workerScript = path.join(import.meta.dirname, 'fixtures/worker.ts');

export class WorkerProcess {
  readonly child: ChildProcess;
  /** ids the worker ran the check for, in call order */
  readonly checks: string[] = [];
  output = '';
  readonly exited: Promise<number | null>;

  constructor(config: { topics: CheckTopics; checkDelayMs?: number; options?: Record<string, unknown> }) {
    this.child = spawn(process.execPath, ['--import', 'tsx', workerScript, JSON.stringify(config)], {
      env: { ...process.env, KAFKA_BROKERS: testBrokers() }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.startsWith('CHECK ')) this.checks.push(line.slice(6));
    });
    this.child.stderr!.on('data', (chunk: Buffer) => { this.output += chunk; });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes('READY')) {
      if (this.child.exitCode !== null) throw new Error(`worker exited (${this.child.exitCode}) before READY:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`worker not READY after ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

/** The group's committed offset per partition of `topic` (-1001: none). */
export async function committedOffsets(group: string, topic: string, partitions: number): Promise<number[]> {
  const consumer = new Kafka.KafkaConsumer({ 'bootstrap.servers': testBrokers(), 'group.id': group, 'enable.auto.commit': false }, {});
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 15_000 }, (err) => (err ? reject(err) : resolve())));
  try {
    const toppars = Array.from({ length: partitions }, (_, partition) => ({ topic, partition }));
    const offsets = await new Promise<Kafka.TopicPartitionOffset[]>((resolve, reject) =>
      consumer.committed(toppars, 15_000, (err, result) => (err ? reject(err) : resolve(result))));
    return toppars.map(({ partition }) => offsets.find((o) => o.partition === partition)?.offset ?? -1001);
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
