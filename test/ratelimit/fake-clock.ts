// A hand-driven Clock for the rate limiter's unit tests: time moves only in advance().
import type { Clock, TimerHandle } from '../../src/ratelimit/clock.ts';

interface Timer { id: number; at: number; fn: () => void }

export class FakeClock implements Clock {
  private time = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  now(): number { return this.time; }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.time + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: TimerHandle): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  get pendingTimers(): number { return this.timers.length; }

  /** Move time forward, firing due timers in order; lets promise callbacks run after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await flush(); // let work scheduled "now" set its timers at the current time first
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.time = next.at;
      next.fn();
      await flush();
    }
    this.time = end;
    await flush();
  }
}

/** Let every queued promise reaction run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}
