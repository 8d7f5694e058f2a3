// What a running topology tells the outside about itself: records in, out and failed per node, and
// every record it writes with the input record that caused it. One observer may be shared by
// several tasks (the Kafka runtime runs a task per input partition), so its counters are the
// runtime's totals. Counting is a few integer increments per node visit; listeners are optional.
import type { RecordError } from '../dsl/errors.ts';
import type { InputRecord, OutputRecord } from './contract.ts';

/** Records through one node since the observer was created. */
export interface NodeCounts {
  /** records that reached the node */
  in: number;
  /** records the node passed on (a flatMap may emit several per input, a filter none) */
  out: number;
  /** records that failed at the node (decode, a throwing step, retries exhausted) */
  errors: number;
}

/** One record the task handed to its producer: a sink's output or a dead letter. */
export interface OutputEvent {
  /** the sink node that wrote it */
  readonly sink: string;
  readonly record: OutputRecord;
  /** the input record it was derived from */
  readonly input: InputRecord;
  /** set for a dead letter: why the input record failed */
  readonly error?: RecordError;
}

export type OutputListener = (event: OutputEvent) => void;

/**
 * @example
 *   const observer = new TopologyObserver();
 *   new TopologyTask(topology, { ..., observer });
 *   observer.onOutput(({ sink, input }) => log(sink, input.offset));
 *   observer.counts('check-source'); // { in: 3, out: 3, errors: 0 }
 */
export class TopologyObserver {
  readonly #nodes = new Map<string, NodeCounts>();
  readonly #listeners = new Set<OutputListener>();

  /** The counts of `node` (zeros for a node not reached yet). */
  counts(node: string): NodeCounts {
    const counts = this.#nodes.get(node);
    return counts ? { ...counts } : { in: 0, out: 0, errors: 0 };
  }

  /** Every node reached so far, by name. */
  snapshot(): Map<string, NodeCounts> {
    return new Map([...this.#nodes].map(([name, counts]) => [name, { ...counts }]));
  }

  /** Calls `listener` for every output record; returns the function that stops it. */
  onOutput(listener: OutputListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether any output listener is registered (the task builds output events only then). */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  /**
   * The live counters of `node` (created, so the node counts as reached): an executor keeps the
   * object and bumps it, instead of a lookup by name per record. Never reset, never replaced.
   */
  liveCounts(node: string): NodeCounts {
    return this.#entry(node);
  }

  recordIn(node: string): void {
    this.#entry(node).in++;
  }

  recordOut(node: string): void {
    this.#entry(node).out++;
  }

  recordError(node: string): void {
    this.#entry(node).errors++;
  }

  output(event: OutputEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // an observer's bug must not change what the task does with the record
      }
    }
  }

  #entry(node: string): NodeCounts {
    let counts = this.#nodes.get(node);
    if (!counts) {
      counts = { in: 0, out: 0, errors: 0 };
      this.#nodes.set(node, counts);
    }
    return counts;
  }
}
