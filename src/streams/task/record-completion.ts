// Counts what one input record still waits for (its synchronous pass, async steps, sends, store
// writes); settles when that count reaches zero, or fails on the first output-port failure.
// The task hears of the outcome synchronously, through its listener, before the promise settles:
// no promise reaction of its own per record, and the offset is finished by the time anyone
// awaiting `promise` runs.
import type { DeliveryReceipt } from './contract.ts';

/** The task's side of a settle: called once, synchronously, before `promise` settles. */
export interface CompletionListener<T> {
  recordFinished(subject: T): void;
  recordFailed(subject: T, error: unknown): void;
}

/**
 * Also a DeliveryReceipt: a producer port's `sendAcked` reports each output to it directly.
 * @example
 *   const completion = new RecordCompletion(listener, flow, { promise: true });
 *   completion.hold(); ...; completion.release();
 */
export class RecordCompletion<T = unknown> implements DeliveryReceipt {
  /** settles with the record; a resolved placeholder when made without one (see the constructor) */
  readonly promise: Promise<void>;
  #pending = 1; // the synchronous pass through the topology, released by the task
  #settled = false;
  #resolve: (() => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  readonly #listener: CompletionListener<T> | undefined;
  readonly #subject: T | undefined;
  readonly #onOutputError: (error: unknown) => unknown;

  /**
   * `withPromise: false` is for callers that hear of the outcome through the listener only: no
   * promise is made (and none can reject unhandled).
   */
  constructor(listener?: CompletionListener<T>, subject?: T, withPromise = true, onOutputError: (error: unknown) => unknown = identity) {
    this.#listener = listener;
    this.#subject = subject;
    this.#onOutputError = onOutputError;
    this.promise = withPromise
      ? new Promise<void>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      })
      : RESOLVED;
  }

  get settled(): boolean {
    return this.#settled;
  }

  hold(): void {
    this.#pending++;
  }

  release(): void {
    if (this.#settled) return;
    this.#pending--;
    if (this.#pending === 0) {
      this.#settled = true;
      try {
        this.#listener?.recordFinished(this.#subject as T);
      } finally {
        this.#resolve?.();
      }
    }
  }

  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    try {
      this.#listener?.recordFailed(this.#subject as T, error);
    } finally {
      this.#reject?.(error);
    }
  }

  /** Holds until `acknowledged` resolves; its rejection fails the record (mapped by `onError`). */
  track(acknowledged: Promise<void>, onError: (error: unknown) => unknown = this.#onOutputError): void {
    this.#pending++;
    acknowledged.then(() => this.release(), (error: unknown) => this.fail(onError(error)));
  }

  /** DeliveryReceipt: one output (held with `hold()` before it was handed over) was acknowledged. */
  delivered(): void {
    this.release();
  }

  /** DeliveryReceipt: one output was refused; fails the record (mapped like `track`'s errors). */
  failed(error: unknown): void {
    this.fail(this.#onOutputError(error));
  }
}

const RESOLVED = Promise.resolve();

function identity(error: unknown): unknown {
  return error;
}
