// Time and timers for the rate limiter, injectable so tests drive time by hand (a clock read
// deep inside would make every timing test wait in real time). now() is in milliseconds, monotonic, and may be fractional.
import { performance } from 'node:perf_hooks';

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}

/** The process clock: performance.now() is monotonic, so a wall-clock step never refills a bucket. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The reason an abortable wait rejects with: the signal's own reason, or a standard AbortError. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}
