// TopologyTestDriver: the embedded runtime on a manual clock, driven step by step from a test,
// like Kafka Streams' TopologyTestDriver. Pipe records in, advance time, run until idle, read
// sink topics and dead letters back.
import { TaskError } from '../task/errors.ts';
import type { Topology } from '../dsl/topology.ts';
import type { KeyValueStore } from '../dsl/store-ref.ts';
import { ManualClock } from '../clock.ts';
import { DEAD_LETTER_HEADERS } from '../task/dead-letter.ts';
import { EmbeddedRuntime, type EmbeddedRuntimeOptions } from './embedded-runtime.ts';
import type { LogRecord } from './partitioned-log.ts';

export interface TestDriverOptions extends Omit<EmbeddedRuntimeOptions, 'clock'> {
  /** the manual clock's start, ms since epoch (default 0) */
  startTime?: number;
}

export interface RunOptions {
  /**
   * When work is stuck waiting for time (a backoff, a timeout, a step that sleeps on the clock),
   * jump the clock to the next timer (default true). Turn off when steps do real I/O: a jump would
   * time them out.
   */
  autoAdvance?: boolean;
  /** real-time limit for steps waiting on real I/O (default 5000 ms) */
  maxRealMs?: number;
  /** without autoAdvance: return after this long (real ms) without progress (default 50) */
  quietMs?: number;
}

export interface DeadLetter {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly code: string;
  readonly reason: string;
  readonly node: string;
  readonly origin: { topic: string; partition: number; offset: number };
  readonly headers: Readonly<Record<string, string>>;
}

export type InputValue = Buffer | string | null;

/**
 * @example
 *   const driver = new TopologyTestDriver(buildTopology(), { partitions: 3 });
 *   driver.pipeInput('requests', '463243', JSON.stringify({ source_id: '463243' }));
 *   await driver.runUntilIdle();
 *   driver.readValues('status');         // decoded JSON values of the sink topic
 *   driver.deadLetters();                // failed records with their reasons
 */
export class TopologyTestDriver {
  readonly clock: ManualClock;
  readonly runtime: EmbeddedRuntime;

  constructor(topology: Topology, options: TestDriverOptions = {}) {
    this.clock = new ManualClock(options.startTime ?? 0);
    this.runtime = new EmbeddedRuntime(topology, { ...options, clock: this.clock });
  }

  get log() {
    return this.runtime.log;
  }

  get task() {
    return this.runtime.task;
  }

  /** Appends one record to an input topic (key → partition by murmur2, like Kafka). */
  pipeInput(topic: string, key: string | null, value: InputValue, headers: Record<string, string> = {}, options: { partition?: number; timestamp?: number } = {}): LogRecord {
    const bytes = value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    return this.log.append(topic, { key, value: bytes, headers, ...options });
  }

  /** Appends a record whose value is `value` as JSON. */
  pipeJson(topic: string, key: string | null, value: unknown, headers: Record<string, string> = {}, options: { partition?: number; timestamp?: number } = {}): LogRecord {
    return this.pipeInput(topic, key, JSON.stringify(value), headers, options);
  }

  /**
   * Moves the clock by `ms`, one due timer at a time, letting the work each timer unblocks run
   * before the next (so a step that sleeps twice in a row wakes twice within the same advance).
   */
  async advanceTime(ms: number, options: RunOptions = {}): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advanceTime: ms must be >= 0, got ${ms}`);
    const target = this.clock.now() + ms;
    for (let next = this.clock.nextTimerAt(); next !== undefined && next <= target; next = this.clock.nextTimerAt()) {
      this.clock.advanceTo(next);
      this.runtime.pump();
      for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.clock.advanceTo(target);
    await this.runUntilIdle({ autoAdvance: false, ...options });
  }

  /**
   * Delivers records and lets async work finish until nothing is left: no lag, no unfinished
   * record. Commits as it goes. Throws if the runtime failed (an output was not acknowledged).
   * Returns with unfinished records left only when they wait on time (autoAdvance off) or on I/O
   * beyond maxRealMs; `unfinished` tells.
   */
  async runUntilIdle(options: RunOptions = {}): Promise<void> {
    const autoAdvance = options.autoAdvance ?? true;
    const deadline = Date.now() + (options.maxRealMs ?? 5000);
    let last = '';
    let quietTurns = 0;
    let quietSince = Date.now();
    const quietMs = options.quietMs ?? 50;
    for (;;) {
      this.runtime.pump();
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.runtime.commit();
      const failure = this.runtime.failure;
      if (failure) throw new TaskError('TASK_FAILED', `the runtime failed: ${failure.message}`, { cause: failure });
      if (this.task.unfinished() === 0 && this.runtime.backlog() === 0) return;
      const state = this.#progress();
      if (state !== last) {
        last = state;
        quietTurns = 0;
        quietSince = Date.now();
        continue;
      }
      quietTurns++;
      // a few quiet turns first: promise chains of a step settle over several turns
      if (quietTurns < 3) continue;
      const next = this.clock.nextTimerAt();
      if (autoAdvance && next !== undefined) {
        this.clock.advanceTo(next);
        quietTurns = 0;
        continue;
      }
      // no clock jump allowed: what is left waits on time or on real I/O; give I/O quietMs to move
      if (!autoAdvance && Date.now() - quietSince >= quietMs) return;
      if (Date.now() > deadline) return;
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Records not finished yet (e.g. waiting for the clock). */
  get unfinished(): number {
    return this.task.unfinished();
  }

  /** Every record written to `topic`, in append order. */
  readOutput(topic: string): readonly LogRecord[] {
    return this.log.records(topic);
  }

  /** The values written to `topic`, parsed as JSON (null stays null). */
  readValues<T = unknown>(topic: string): T[] {
    return this.readOutput(topic).map((r) => (r.value === null ? null : JSON.parse(r.value.toString('utf8'))) as T);
  }

  /** Every dead letter written by the topology's dead-letter sinks, with code and reason. */
  deadLetters(): DeadLetter[] {
    const topics = [...new Set(this.runtime.topology.sinks.filter((s) => s.deadLetter).map((s) => s.topic))];
    return topics.flatMap((topic) => this.readOutput(topic).map((r): DeadLetter => {
      const h = r.headers;
      return {
        topic, key: r.key, value: r.value, headers: h,
        code: h[DEAD_LETTER_HEADERS.code] ?? '',
        reason: h[DEAD_LETTER_HEADERS.reason] ?? '',
        node: h[DEAD_LETTER_HEADERS.node] ?? '',
        origin: { topic: h[DEAD_LETTER_HEADERS.topic] ?? '', partition: Number(h[DEAD_LETTER_HEADERS.partition]), offset: Number(h[DEAD_LETTER_HEADERS.offset]) },
      };
    }));
  }

  /** The group's committed offset of an input partition. */
  committed(topic: string, partition = 0): number {
    return this.log.committed(this.runtime.group, topic, partition);
  }

  store(name: string): KeyValueStore<unknown> | undefined {
    return this.task.store(name);
  }

  /** Lets the work in progress finish (advancing time as needed), then closes the task. */
  async close(): Promise<void> {
    await this.runUntilIdle();
    await this.runtime.stop();
  }

  #progress(): string {
    const m = this.task.metrics;
    return `${m.processed}/${m.finished}/${m.sent}/${m.deadLettered}/${m.dropped}/${m.storeWrites}/${this.clock.now()}/${this.clock.pendingTimers}`;
  }
}
