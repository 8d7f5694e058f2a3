// Test helpers for the task executor: a producer whose acks the test controls, record builders,
// and a loop that runs a task on a manual clock until nothing is left.
import type { InputRecord, OutputRecord, ProducerPort } from '../../../src/streams/task/index.ts';
import type { TopologyTask } from '../../../src/streams/task/index.ts';
import type { ManualClock } from '../../../src/streams/clock.ts';

export interface Sent {
  readonly record: OutputRecord;
  ack(): void;
  fail(error: Error): void;
}

/** A producer that records every send; each send waits until the test acks or fails it. */
export function manualProducer(): ProducerPort & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    send(record) {
      return new Promise<void>((resolve, reject) => sent.push({ record, ack: resolve, fail: reject }));
    },
  };
}

/** A producer that acks at once and keeps what it got. */
export function collectingProducer(): ProducerPort & { records: OutputRecord[] } {
  const records: OutputRecord[] = [];
  return { records, send: async (record) => { records.push(record); } };
}

export function input(topic: string, partition: number, offset: number, value: string | null, key: string | null = null): InputRecord {
  return { topic, partition, offset, key, value: value === null ? null : Buffer.from(value), headers: {}, timestamp: 0 };
}

export const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Lets promise chains settle, advancing the manual clock to the next timer while work remains. */
export async function runToEnd(task: TopologyTask, clock: ManualClock, limit = 100_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    for (let j = 0; j < 3; j++) await turn();
    if (task.unfinished() === 0) return;
    const next = clock.nextTimerAt();
    if (next === undefined) continue;
    clock.advanceTo(next);
  }
  throw new Error('runToEnd: still unfinished');
}
