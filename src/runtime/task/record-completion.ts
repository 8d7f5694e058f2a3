// Counts what one input record still waits for (its synchronous pass, async steps, sends, store
// writes); settles when that count reaches zero, or fails on the first output-port failure.
// The task hears of the outcome synchronously, through its listener, before the promise settles:
// no promise reaction of its own per record, and the offset is finished by the time anyone
// awaiting `promise` runs.

/** The task's side of a settle: called once, synchronously, before `promise` settles. */
export interface CompletionListener<T> {
  recordFinished(subject: T): void;
  recordFailed(subject: T, error: unknown): void;
}

export class RecordCompletion<T = unknown> {
  readonly promise: Promise<void>;
  #pending = 1; // the synchronous pass through the topology, released by the task
  #settled = false;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;
  readonly #listener: CompletionListener<T> | undefined;
  readonly #subject: T | undefined;

  constructor(listener?: CompletionListener<T>, subject?: T) {
    this.#listener = listener;
    this.#subject = subject;
    this.promise = new Promise<void>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
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
        this.#resolve();
      }
    }
  }

  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    try {
      this.#listener?.recordFailed(this.#subject as T, error);
    } finally {
      this.#reject(error);
    }
  }

  /** Holds until `acknowledged` resolves; its rejection fails the record (mapped by `onError`). */
  track(acknowledged: Promise<void>, onError: (error: unknown) => unknown): void {
    this.#pending++;
    acknowledged.then(() => this.release(), (error: unknown) => this.fail(onError(error)));
  }
}
