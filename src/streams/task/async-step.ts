// Executes one mapAsync node: bounded concurrency, per-key order, optional coalescing, a timeout
// per attempt, retries with backoff on the task clock, and a verdict per record.
//
// Per-key order: records with the same key form a queue; only its head may be called, so results
// for a key leave in arrival order. Records with a null key have no order among themselves.
// Records of a priority source get the next free slot before any other waiting record: one task
// serves a partition group (a priority partition and a normal one), and a user's request must not
// queue behind the normal partition's backlog.
// A slot stays taken during a retry's backoff: the bound is on records being worked on, which is
// what a rate-limited downstream cares about, and it keeps the key's queue blocked meanwhile.
import { describeError, RecordError } from '../dsl/errors.ts';
import type { ProcessorNode } from '../dsl/nodes.ts';
import type { AsyncContext, StreamRecord } from '../dsl/record.ts';
import { backoffDelay } from '../dsl/retry-policy.ts';
import type { Clock } from '../clock.ts';
import type { Flow } from './flow.ts';

export type AsyncNode = ProcessorNode & { readonly op: 'mapAsync' };

export interface AsyncStepHost {
  readonly clock: Clock;
  /** the context of one attempt: the record's context plus the attempt's signal and number */
  context(node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow, signal: AbortSignal, attempt: number): AsyncContext;
  /** forwards a result downstream of `node` */
  emit(node: ProcessorNode, record: StreamRecord<unknown>, flow: Flow): void;
  /** routes a failed record to its dead-letter sink */
  reject(node: ProcessorNode, error: RecordError, flow: Flow): void;
}

interface Waiter {
  readonly record: StreamRecord<unknown>;
  readonly flow: Flow;
}

interface Job extends Waiter {
  /** records that arrived while this job was queued or running, with the same key (coalescing) */
  readonly followers: Waiter[];
  /** its call began */
  started: boolean;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: RecordError };

class AttemptTimeout extends Error {}

export class AsyncStep {
  readonly #node: AsyncNode;
  readonly #host: AsyncStepHost;
  readonly #ready: Job[] = [];
  /** ready jobs of priority sources: served before `#ready` */
  readonly #readyFirst: Job[] = [];
  readonly #byKey = new Map<string, Job[]>();
  readonly #controllers = new Set<AbortController>();
  #running = 0;
  #peakRunning = 0;
  #stopped = false;

  constructor(node: AsyncNode, host: AsyncStepHost) {
    this.#node = node;
    this.#host = host;
  }

  /** calls running now (a slot is held during backoff too) */
  get running(): number {
    return this.#running;
  }

  /** the highest `running` ever observed: never above the node's concurrency */
  get peakRunning(): number {
    return this.#peakRunning;
  }

  /** records waiting for a slot or for their key */
  get queued(): number {
    let queued = this.#ready.length + this.#readyFirst.length;
    for (const jobs of this.#byKey.values()) queued += jobs.length - 1;
    return queued;
  }

  submit(record: StreamRecord<unknown>, flow: Flow): void {
    flow.completion.hold();
    const job: Job = { record, flow, followers: [], started: false };
    if (record.key !== null) {
      const jobs = this.#byKey.get(record.key);
      if (jobs) {
        if (this.#node.options.coalesceByKey) {
          const joined = jobs[jobs.length - 1]!;
          joined.followers.push({ record, flow });
          if (flow.source.priority) this.#promote(joined);
        } else jobs.push(job);
        return;
      }
      this.#byKey.set(record.key, [job]);
    }
    this.#enqueue(job);
    this.#pump();
  }

  /** A waiting job a priority record joined moves to the priority queue. */
  #promote(job: Job): void {
    if (job.started) return;
    const at = this.#ready.indexOf(job);
    if (at < 0) return;
    this.#ready.splice(at, 1);
    this.#readyFirst.push(job);
  }

  #enqueue(job: Job): void {
    if (job.flow.source.priority) this.#readyFirst.push(job);
    else this.#ready.push(job);
  }

  /**
   * Used when a failed task closes: aborts running attempts (their signals fire), starts no new
   * call or retry, and leaves every record it holds unfinished (never committable, never routed).
   */
  stop(reason: Error): void {
    this.#stopped = true;
    for (const controller of this.#controllers) controller.abort(reason);
  }

  #pump(): void {
    while (!this.#stopped && this.#running < this.#node.options.concurrency && (this.#readyFirst.length > 0 || this.#ready.length > 0)) {
      const job = this.#readyFirst.length > 0 ? this.#readyFirst.shift()! : this.#ready.shift()!;
      job.started = true;
      this.#running++;
      this.#peakRunning = Math.max(this.#peakRunning, this.#running);
      void this.#call(job).then((outcome) => {
        this.#running--;
        if (outcome !== undefined) this.#finish(job, outcome);
      });
    }
  }

  #finish(job: Job, outcome: Outcome): void {
    for (const waiter of [job, ...job.followers]) {
      try {
        if (outcome.ok) {
          this.#host.emit(this.#node, { key: waiter.record.key, value: outcome.value, headers: waiter.record.headers, timestamp: waiter.record.timestamp }, waiter.flow);
        } else {
          this.#host.reject(this.#node, outcome.error, waiter.flow);
        }
      } finally {
        waiter.flow.completion.release();
      }
    }
    if (job.record.key !== null) {
      const jobs = this.#byKey.get(job.record.key)!;
      jobs.shift();
      if (jobs.length > 0) this.#enqueue(jobs[0]!);
      else this.#byKey.delete(job.record.key);
    }
    this.#pump();
  }

  /** The verdict for the job, or undefined when the step was stopped meanwhile. */
  async #call(job: Job): Promise<Outcome | undefined> {
    const { retry, timeoutMs } = this.#node.options;
    const name = this.#node.name;
    for (let attempt = 1; ; attempt++) {
      let error: unknown;
      try {
        const value = await this.#attempt(job, attempt, timeoutMs);
        return this.#stopped ? undefined : { ok: true, value };
      } catch (caught) {
        error = caught;
      }
      if (this.#stopped) return undefined;
      const timedOut = error instanceof AttemptTimeout;
      let retryable = timedOut;
      if (!timedOut) {
        try {
          retryable = retry.retryable(error);
        } catch (predicateError) {
          return { ok: false, error: new RecordError('RECORD_ASYNC_FAILED', name, `${name}: retry.retryable threw: ${describeError(predicateError)}`, { cause: predicateError }) };
        }
      }
      if (!retryable) {
        return { ok: false, error: new RecordError('RECORD_ASYNC_FAILED', name, `${name}: ${describeError(error)}`, { cause: error }) };
      }
      if (attempt >= retry.maxAttempts) {
        if (retry.maxAttempts === 1 && timedOut) {
          return { ok: false, error: new RecordError('RECORD_ASYNC_TIMEOUT', name, `${name}: ${describeError(error)}`, { cause: error }) };
        }
        return { ok: false, error: new RecordError('RECORD_RETRIES_EXHAUSTED', name, `${name}: gave up after ${attempt} attempts: ${describeError(error)}`, { cause: error }) };
      }
      await new Promise<void>((resolve) => this.#host.clock.schedule(backoffDelay(retry, attempt), resolve));
      if (this.#stopped) return undefined;
    }
  }

  /** One call, raced against its timeout on the task clock; the signal aborts on timeout. */
  #attempt(job: Job, attempt: number, timeoutMs: number): Promise<unknown> {
    const controller = new AbortController();
    this.#controllers.add(controller);
    const ctx = this.#host.context(this.#node, job.record, job.flow, controller.signal, attempt);
    return new Promise<unknown>((resolve, reject) => {
      const cancel = this.#host.clock.schedule(timeoutMs, () => {
        const timeout = new AttemptTimeout(`attempt ${attempt} timed out after ${timeoutMs} ms`);
        controller.abort(timeout);
        reject(timeout);
      });
      let pending: Promise<unknown>;
      try {
        pending = Promise.resolve(this.#node.call(job.record.value, ctx));
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        (value) => { cancel(); resolve(value); },
        (error: unknown) => { cancel(); reject(error); },
      ).finally(() => this.#controllers.delete(controller));
    });
  }
}
