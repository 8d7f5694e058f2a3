// The dead-letter record: the input record as it was read (key, bytes, headers) plus headers that
// say why and where from, so it can be inspected and replayed.
import type { RecordError } from '../dsl/errors.ts';
import type { InputRecord, OutputRecord } from './contract.ts';

export const DEAD_LETTER_HEADERS = Object.freeze({
  code: 'dead-letter-code',
  reason: 'dead-letter-reason',
  node: 'dead-letter-node',
  topic: 'dead-letter-origin-topic',
  partition: 'dead-letter-origin-partition',
  offset: 'dead-letter-origin-offset',
});

export function deadLetterRecord(topic: string, input: InputRecord, error: RecordError, timestamp: number): OutputRecord {
  return {
    topic,
    key: input.key,
    value: input.value,
    headers: {
      ...input.headers,
      [DEAD_LETTER_HEADERS.code]: error.code,
      [DEAD_LETTER_HEADERS.reason]: error.message,
      [DEAD_LETTER_HEADERS.node]: error.node,
      [DEAD_LETTER_HEADERS.topic]: input.topic,
      [DEAD_LETTER_HEADERS.partition]: String(input.partition),
      [DEAD_LETTER_HEADERS.offset]: String(input.offset),
    },
    timestamp,
  };
}
