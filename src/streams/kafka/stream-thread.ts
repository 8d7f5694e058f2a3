// The poll loop and flow control (Kafka Streams' StreamThread): reads batches from the group
// consumer into the owned input partitions' queues, hands records to their tasks within the
// bounds (priority partitions first, normal ones only while no priority partition has lag), and
// pauses/resumes partitions to match (flow-control.ts).
import type Kafka from 'node-rdkafka';
import { describeError } from '../dsl/errors.ts';
import type { InputRecord } from '../task/contract.ts';
import type { GroupConsumer, TopicPartition } from './client-supplier.ts';
import { partitionsToPause, type PartitionFlowState } from './flow-control.ts';
import { fromKafkaHeaders } from './headers.ts';
import type { ResolvedOptions } from './options.ts';
import { partitionKey, type InputPartition } from './partition-group.ts';
import type { TaskManager } from './task-manager.ts';

export interface StreamThreadOptions {
  options: ResolvedOptions;
  consumer: GroupConsumer;
  tasks: TaskManager;
  /** the runtime failed: nothing more is handed over */
  failed: () => boolean;
  /** a task refused a record (it failed) */
  fail: (error: unknown) => void;
}

export class StreamThread {
  /** messages read from the source topics (duplicates after a rebalance included) */
  consumed = 0;
  readonly #o: StreamThreadOptions;
  #running = false;
  #done: Promise<void> = Promise.resolve();
  #flowScheduled = false;
  #lastConsumeError = '';
  #lastConsumeErrorAt = 0;

  constructor(options: StreamThreadOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running = true;
    this.#done = this.#loop();
  }

  /** Stops polling; resolves once the loop is out of its last consume call. */
  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
  }

  /** Runs a flow pass soon (once, however often it is asked before it runs). */
  scheduleFlow(): void {
    if (this.#flowScheduled || !this.#running) return;
    this.#flowScheduled = true;
    setImmediate(() => {
      this.#flowScheduled = false;
      this.flow();
    });
  }

  async #loop(): Promise<void> {
    const { consumer, tasks, options } = this.#o;
    while (this.#running) {
      let messages: Kafka.Message[] = [];
      try {
        messages = await consumer.consume(options.batchSize);
      } catch (error) {
        if (!this.#running) break;
        // while the cluster is away this repeats every 100 ms: say it once per 10 s
        const message = describeError(error);
        if (message !== this.#lastConsumeError || Date.now() - this.#lastConsumeErrorAt > 10_000) {
          this.#lastConsumeError = message;
          this.#lastConsumeErrorAt = Date.now();
          options.logger.warn({ err: message }, 'consume failed; retrying');
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // a batch comes in runs of one partition: look the partition up once per run
      let input: InputPartition | undefined;
      for (const message of messages) {
        if (!input || input.partition !== message.partition || input.topic !== message.topic) input = tasks.inputs.get(partitionKey(message.topic, message.partition));
        if (input) this.#deliver(input, message);
      }
      this.flow();
    }
  }

  #deliver(input: InputPartition, message: Kafka.Message): void {
    // being revoked: the next owner reads it again from the commit
    if (input.group.revoking || this.#o.failed()) return;
    if (message.offset < input.next) return; // read twice (a resume raced a batch): already handed over
    if (input.next < 0 && input.start >= 0 && message.offset !== input.start) return; // fetched before the last revoke
    if (input.next < 0) input.firstRead = message.offset;
    input.next = message.offset + 1;
    this.consumed++;
    const key = message.key === null || message.key === undefined ? null : typeof message.key === 'string' ? message.key : message.key.toString('utf8');
    // every record waits in its partition's queue; the flow pass hands it over within the bounds
    input.hold({
      topic: message.topic, partition: message.partition, offset: message.offset, key, value: message.value ?? null,
      headers: fromKafkaHeaders(message.headers), timestamp: message.timestamp ?? Date.now(),
    });
  }

  /**
   * Hands read records to their tasks within the bounds (priority partitions first; normal ones
   * only while no priority partition has lag), then pauses/resumes partitions to match.
   */
  flow(): void {
    if (!this.#running) return;
    const { consumer, tasks, options } = this.#o;
    const { maxUnfinishedPerPartition, maxUnfinished } = options;
    const failed = this.#o.failed();
    let total = 0;
    const live: InputPartition[] = [];
    for (const group of tasks.tasks.values()) {
      if (group.revoking) continue;
      total += group.task.unfinished();
      for (const input of group.inputs.values()) live.push(input);
    }
    live.sort((a, b) => Number(b.priority) - Number(a.priority));
    const states: PartitionFlowState[] = [];
    let priorityLag = false;
    for (const input of live) {
      const ready = input.group.ready && !failed;
      const task = input.group.task;
      if (ready && input.waiting > 0 && (input.priority || !priorityLag)) {
        while (input.waiting > 0 && task.unfinished(input.topic, input.partition) < maxUnfinishedPerPartition && (input.priority || total < maxUnfinished)) {
          this.#submit(input, input.takeHeld()!);
          total++;
        }
      }
      const lag = input.priority ? this.#priorityLag(input) : 0;
      if (ready && lag > 0) priorityLag = true;
      states.push({ key: input.key, priority: input.priority, ready, paused: input.paused, unfinished: task.unfinished(input.topic, input.partition), held: input.waiting, lag });
    }
    const pause = partitionsToPause(states, { maxUnfinishedPerPartition, buffer: options.maxWaitingPerPartition });
    const toPause: TopicPartition[] = [];
    const toResume: TopicPartition[] = [];
    for (const input of live) {
      const want = pause.has(input.key);
      if (want === input.paused) continue;
      (want ? toPause : toResume).push({ topic: input.topic, partition: input.partition });
      input.paused = want;
    }
    try {
      if (toPause.length > 0) consumer.pause(toPause);
      if (toResume.length > 0) consumer.resume(toResume);
    } catch (error) {
      options.logger.warn({ err: describeError(error) }, 'pause/resume failed');
    }
  }

  #submit(input: InputPartition, record: InputRecord): void {
    try {
      // no promise per record: the task tells the runtime's onSettled
      input.group.task.submit(record);
    } catch (error) {
      this.#o.fail(error);
    }
  }

  /** Records of a priority partition not handed over yet, from the watermark the consumer last saw. */
  #priorityLag(input: InputPartition): number {
    let lag = input.waiting;
    // before its first record is read, the partition starts at the group's committed offset
    const position = input.next >= 0 ? input.next : input.committed;
    if (position < 0) return lag;
    const high = this.#o.consumer.highWatermark(input.topic, input.partition);
    if (high !== undefined) lag += Math.max(0, high - position);
    return lag;
  }
}
