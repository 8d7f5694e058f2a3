// The one outside observer of kafka-peer, the same for every contender: it polls the summed end
// offsets of the contender's output topic, and reads the contender process's CPU time and peak
// RSS from /proc. A run lasts from the first poll that sees an output record to the poll that saw
// the sum reach its final value (final = ≥ the records expected and unchanged for `settleMs`;
// under exactly-once the end offsets also count transaction markers, hence "final", not "= n").
// Afterwards the output topic is read back (read_committed) into a digest of key, value and
// headers per record, order-free, so contenders' outputs can be compared byte for byte.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Kafka from 'node-rdkafka';
import { sleep } from '../kafka-support.ts';

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** User + system CPU time of process `pid` (all its threads) so far, in µs. */
export function processCpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is the state (field 3 of proc(5)); utime and stime are fields 14 and 15
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLOCK_TICKS;
}

/** The peak resident set size of process `pid` so far (VmHWM), in bytes. */
export function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

export interface Observation {
  /** records / (last change − first output), per second */
  rate: number;
  /** CPU of the process over the same window, per record, µs */
  cpuMicrosPerRecord: number;
  peakRssBytes: number;
  seconds: number;
}

export interface ObserveOptions {
  topic: string;
  partitions: number;
  records: number;
  pid: number;
  /** the contender died or failed: stop observing */
  failed: () => Error | undefined;
  settleMs?: number;
  /** give up when the sum does not move for this long (default 120 s) */
  stallMs?: number;
}

export class EndOffsetObserver {
  readonly #consumer: Kafka.KafkaConsumer;

  private constructor(consumer: Kafka.KafkaConsumer) {
    this.#consumer = consumer;
  }

  static async connect(brokers: string): Promise<EndOffsetObserver> {
    const consumer = new Kafka.KafkaConsumer({ 'bootstrap.servers': brokers, 'group.id': 'bench-peer-observer', 'enable.auto.commit': false }, {});
    await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
    return new EndOffsetObserver(consumer);
  }

  async endOffsetSum(topic: string, partitions: number): Promise<number> {
    const highs = await Promise.all(Array.from({ length: partitions }, (_, partition) => new Promise<number>((resolve, reject) => {
      this.#consumer.queryWatermarkOffsets(topic, partition, 10_000, (err, offsets) => (err ? reject(err) : resolve(offsets.highOffset)));
    })));
    return highs.reduce((a, b) => a + b, 0);
  }

  /** Watches one contender's run (see the file comment); resolves with its figures. */
  async observe(options: ObserveOptions): Promise<Observation> {
    const settleMs = options.settleMs ?? 1500;
    const stallMs = options.stallMs ?? 120_000;
    let first: { at: number; cpu: number } | undefined;
    let last = { at: performance.now(), cpu: 0, sum: 0 };
    for (;;) {
      const failure = options.failed();
      if (failure) throw failure;
      const sum = await this.endOffsetSum(options.topic, options.partitions);
      const now = performance.now();
      if (sum !== last.sum) {
        const cpu = processCpuMicros(options.pid);
        first ??= { at: now, cpu };
        last = { at: now, cpu, sum };
      } else if (first && sum >= options.records && now - last.at >= settleMs) {
        const seconds = (last.at - first.at) / 1000;
        return {
          rate: options.records / seconds, cpuMicrosPerRecord: (last.cpu - first.cpu) / options.records,
          peakRssBytes: peakRssBytes(options.pid), seconds,
        };
      } else if (now - last.at > stallMs) {
        throw new Error(`${options.topic}: end offsets stuck at ${sum} of ${options.records} records for ${stallMs} ms`);
      }
      await sleep(10);
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.#consumer.disconnect(() => resolve()));
  }
}

/** What one output record is, for the digest: key, value and headers (in order), as text. */
export function recordFingerprint(key: string, value: string, headers: readonly (readonly [string, string])[]): string {
  return `${key}\u0000${value}\u0000${headers.map(([name, text]) => `${name}=${text}`).join('\u0001')}`;
}

/** An order-free digest of records given as fingerprints with their counts. */
export function digestOf(counts: ReadonlyMap<string, number>): string {
  const hash = createHash('sha256');
  for (const fingerprint of [...counts.keys()].sort()) hash.update(fingerprint).update('\u0002').update(String(counts.get(fingerprint))).update('\n');
  return hash.digest('hex').slice(0, 16);
}

/** Reads every committed record of `topic` and returns how many there are and their digest. */
export async function topicDigest(brokers: string, topic: string, partitions: number): Promise<{ records: number; digest: string }> {
  const consumer = new Kafka.KafkaConsumer({
    'bootstrap.servers': brokers, 'group.id': 'bench-peer-digest', 'enable.auto.commit': false, 'enable.partition.eof': true,
    'isolation.level': 'read_committed',
  }, { 'auto.offset.reset': 'earliest' });
  await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30_000 }, (err) => (err ? reject(err) : resolve())));
  const counts = new Map<string, number>();
  let records = 0;
  const atEnd = new Set<number>();
  consumer.on('partition.eof', (eof) => atEnd.add(eof.partition));
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition, offset: 0 })));
    let idle = 0;
    while (atEnd.size < partitions) {
      const batch = await new Promise<Kafka.Message[]>((resolve, reject) => consumer.consume(10_000, (err, messages) => (err ? reject(err) : resolve(messages))));
      idle = batch.length === 0 ? idle + 1 : 0;
      if (idle > 300) throw new Error(`${topic}: no end of partition reached while reading the output back`);
      for (const m of batch) {
        const headers = (m.headers ?? []).flatMap((h) => Object.entries(h).map(([name, v]) => [name, Buffer.isBuffer(v) ? v.toString('utf8') : String(v)] as const));
        const fingerprint = recordFingerprint(m.key === null || m.key === undefined ? '' : m.key.toString(), m.value?.toString('utf8') ?? '', headers);
        counts.set(fingerprint, (counts.get(fingerprint) ?? 0) + 1);
        records++;
      }
    }
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
  return { records, digest: digestOf(counts) };
}
