// Publishing with a deadline: Sources waits 10 s and never retries, so a stuck producer must turn
// into a prompt 503 rather than a hung request. A timed-out publish may still land later; the
// worker's per-source coalescing makes such a duplicate harmless.
import type { KafkaRecord } from '../contract/record.ts';
import { HttpError } from './http-error.ts';

/** Puts one record on a topic; resolves once it is durably accepted (broker ack or embedded log). */
export type Publish = (topic: string, record: KafkaRecord) => Promise<void>;

/** Resolves when `publish` does; rejects with a 503 HttpError on failure or after `timeoutMs`. */
export async function publishWithTimeout(publish: Publish, topic: string, record: KafkaRecord, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(503, `the request could not be queued within ${timeoutMs} ms; try again later`)), timeoutMs);
  });
  try {
    // .then() turns a synchronous throw inside publish into a rejection.
    await Promise.race([Promise.resolve().then(() => publish(topic, record)), deadline]);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw new HttpError(503, 'the request could not be queued; try again later', {}, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
