// The engine's one notion of time: `now` in milliseconds since the epoch (stores' expiry, record
// timestamps, changelog records) and `schedule` for timeouts and backoff. The system clock, and a
// manual one the test driver advances.

/** Time for the engine and whoever it hands time to: read it, and run something later. */
export interface Clock {
  now(): number;
  /** runs `callback` once after `delayMs`; returns a function that cancels it */
  schedule(delayMs: number, callback: () => void): () => void;
}

export const systemClock: Clock = Object.freeze({
  now: () => Date.now(),
  schedule(delayMs: number, callback: () => void) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
});

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** A clock that moves only when told; due timers fire in time order (ties: scheduling order). */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = 0) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  schedule(delayMs: number, callback: () => void): () => void {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  }

  /** When the next timer is due, or undefined when none is scheduled. */
  nextTimerAt(): number | undefined {
    return this.#timers.reduce<number | undefined>((min, t) => (min === undefined || t.at < min ? t.at : min), undefined);
  }

  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, each at its own time. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance: ms must be >= 0, got ${ms}`);
    this.advanceTo(this.#now + ms);
  }

  advanceTo(time: number): void {
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= time).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#now = Math.max(this.#now, due.at);
      due.callback();
    }
    this.#now = Math.max(this.#now, time);
  }
}
