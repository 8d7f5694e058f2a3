// Graceful shutdown on SIGTERM/SIGINT: stop fetching, drain (bounded by shutdownGraceMs), commit,
// close; then `onStopped` (default: exit 0, or 1 when the runtime had failed or stop threw).
import type { KafkaRuntime } from './kafka-runtime.ts';

export interface StopOnSignalsOptions {
  signals?: readonly NodeJS.Signals[];
  onStopped?: (error: unknown) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function stopOnSignals(runtime: KafkaRuntime, options: StopOnSignalsOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const onStopped = options.onStopped ?? ((error: unknown) => process.exit(error || runtime.failure ? 1 : 0));
  const handler = () => {
    runtime.stop().then(() => onStopped(undefined), (error: unknown) => onStopped(error));
  };
  for (const signal of signals) process.once(signal, handler);
  return () => {
    for (const signal of signals) process.removeListener(signal, handler);
  };
}
