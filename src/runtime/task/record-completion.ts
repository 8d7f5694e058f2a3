// Counts what one input record still waits for (its synchronous pass, async steps, sends, store
// writes); settles when that count reaches zero, or fails on the first output-port failure.

export class RecordCompletion {
  readonly promise: Promise<void>;
  #pending = 1; // the synchronous pass through the topology, released by the task
  #settled = false;
  #resolve!: () => void;
  #reject!: (error: unknown) => void;

  constructor() {
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
      this.#resolve();
    }
  }

  fail(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
  }

  /** Holds until `acknowledged` resolves; its rejection fails the record (mapped by `onError`). */
  track(acknowledged: Promise<void>, onError: (error: unknown) => unknown): void {
    this.hold();
    acknowledged.then(() => this.release(), (error: unknown) => this.fail(onError(error)));
  }
}
