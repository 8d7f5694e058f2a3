// Deadlines of one length, sharing one timer. A timer per request (setTimeout + clearTimeout)
// costs more than a fast publish, and deadlines of the same length expire in the order they were
// set, so a linked list in that order and one timer armed for its head are enough: settling
// unlinks an entry in O(1), and the timer fires about once per timeout under a steady flow,
// re-arming itself for the oldest deadline still pending.

/** One pending deadline. */
export interface Deadline {
  /** Cancels the deadline; true when it was still pending (neither expired nor settled before). */
  settle(): boolean;
}

class Entry implements Deadline {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;

  constructor(
    readonly queue: DeadlineQueue,
    readonly atMs: number,
    public onExpire: (() => void) | undefined,
  ) {}

  settle(): boolean {
    if (this.onExpire === undefined) return false;
    this.onExpire = undefined;
    this.queue.unlink(this);
    return true;
  }
}

/**
 * Calls each entry's `onExpire` once `timeoutMs` have passed since `add`, unless it was settled
 * first. The timer holds the process open only while a deadline is pending.
 * @example
 *   const deadlines = new DeadlineQueue(3000);
 *   const deadline = deadlines.add(() => answer503());
 *   work.then(() => { if (deadline.settle()) answer202(); });
 */
export class DeadlineQueue {
  readonly timeoutMs: number;
  #head: Entry | undefined = undefined;
  #tail: Entry | undefined = undefined;
  #timer: NodeJS.Timeout | undefined = undefined;
  readonly #onTimer = (): void => this.#expire();

  constructor(timeoutMs: number) {
    if (!(timeoutMs >= 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
    this.timeoutMs = timeoutMs;
  }

  /** True while some deadline is pending. */
  get pending(): boolean {
    return this.#head !== undefined;
  }

  add(onExpire: () => void): Deadline {
    const entry = new Entry(this, performance.now() + this.timeoutMs, onExpire);
    const wasEmpty = this.#tail === undefined;
    if (wasEmpty) this.#head = entry;
    else {
      entry.prev = this.#tail;
      this.#tail!.next = entry;
    }
    this.#tail = entry;
    // A timer armed for an earlier, since settled, head fires first and re-arms for this one.
    if (this.#timer === undefined) this.#timer = setTimeout(this.#onTimer, this.timeoutMs);
    else if (wasEmpty) this.#timer.ref();
    return entry;
  }

  /** Removes `entry` from the list (Entry.settle calls this). */
  unlink(entry: Entry): void {
    if (entry.prev === undefined) this.#head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.#tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    // Nothing pending: the armed timer may still fire, but it no longer keeps the process alive.
    if (this.#head === undefined) this.#timer?.unref();
  }

  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    try {
      while (this.#head !== undefined && this.#head.atMs <= now) {
        const entry = this.#head;
        const onExpire = entry.onExpire!;
        entry.settle();
        onExpire();
      }
    } finally {
      // libuv's clock may run a little behind performance.now(): never arm for less than 1 ms.
      const head = this.#head;
      if (head !== undefined) this.#timer = setTimeout(this.#onTimer, Math.max(1, Math.ceil(head.atMs - performance.now())));
    }
  }
}
