// Publishing with a deadline: Sources waits 10 s and never retries, so a stuck producer must turn
// into a prompt 503 rather than a hung request. A timed-out publish may still land later; the
// worker's per-source coalescing makes such a duplicate harmless.
import type { KafkaRecord } from '../contract/record.ts';
import { DeadlineQueue } from './deadline-queue.ts';
import { HttpError } from '../http/http-error.ts';

/** Puts one record on a topic; resolves once it is durably accepted (broker ack or embedded log). */
export type Publish = (topic: string, record: KafkaRecord) => Promise<void>;

/** Told once how a publish ended: undefined when the record was accepted, else a 503 HttpError. */
export type PublishDone = (error: HttpError | undefined) => void;

// One queue (one timer) per timeout length; the ingress uses a single length. Past this many
// lengths a queue is made per call, which is still correct, only without the sharing.
const MAX_SHARED_QUEUES = 64;
const queues = new Map<number, DeadlineQueue>();

function deadlinesOf(timeoutMs: number): DeadlineQueue {
  let queue = queues.get(timeoutMs);
  if (queue === undefined) {
    queue = new DeadlineQueue(timeoutMs);
    if (queues.size < MAX_SHARED_QUEUES) queues.set(timeoutMs, queue);
  }
  return queue;
}

function notQueued(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  return new HttpError(503, 'the request could not be queued; try again later', {}, { cause: err });
}

/**
 * Calls `publish` and then `done` exactly once: with undefined when it resolves, with a 503
 * HttpError when it throws, rejects, or has not resolved after `timeoutMs`. No promise of its
 * own and no timer per call (the ingress's hot path); `done` may run before this returns.
 * @example publishWithin(publish, topics.requests, record, 3000, (error) => error ? refuse(error) : accept())
 */
export function publishWithin(publish: Publish, topic: string, record: KafkaRecord, timeoutMs: number, done: PublishDone): void {
  let published: Promise<void>;
  try {
    published = Promise.resolve(publish(topic, record));
  } catch (err) {
    done(notQueued(err));
    return;
  }
  const deadline = deadlinesOf(timeoutMs).add(() => {
    done(new HttpError(503, `the request could not be queued within ${timeoutMs} ms; try again later`));
  });
  published.then(
    () => { if (deadline.settle()) done(undefined); },
    (err: unknown) => { if (deadline.settle()) done(notQueued(err)); },
  );
}

/** Resolves when `publish` does; rejects with a 503 HttpError on failure or after `timeoutMs`. */
export function publishWithTimeout(publish: Publish, topic: string, record: KafkaRecord, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    publishWithin(publish, topic, record, timeoutMs, (error) => (error === undefined ? resolve() : reject(error)));
  });
}
