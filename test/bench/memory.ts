// Heap measurements for benchmarks. Needs --expose-gc (run.ts passes it to every benchmark).

/** Forces full collections until the heap stops shrinking, so "retained" means reachable. */
export function settle(): void {
  if (typeof gc !== 'function') throw new Error('benchmarks need node --expose-gc');
  let previous = Infinity;
  for (let i = 0; i < 10; i++) {
    gc();
    const used = process.memoryUsage().heapUsed;
    if (used >= previous - 1024) break;
    previous = used;
  }
}

/** JS heap plus ArrayBuffer backing stores (typed arrays live outside the JS heap). */
export function retainedBytes(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * Builds something and reports what it retains: settle, measure, build, settle, measure.
 * The built value is returned so the caller keeps it alive while measuring.
 */
export function measureRetained<T>(build: () => T): { value: T; bytes: number } {
  settle();
  const before = retainedBytes();
  const value = build();
  settle();
  return { value, bytes: retainedBytes() - before };
}
