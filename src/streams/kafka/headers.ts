// Record headers between node-rdkafka's shape (a list of one-entry objects, Buffer values) and
// the DSL's (a plain string map). Kafka allows a header name twice; the last one wins here.
import type Kafka from 'node-rdkafka';
import type { Headers } from '../dsl/record.ts';

export function fromKafkaHeaders(headers: readonly Kafka.MessageHeader[] | undefined): Headers {
  if (!headers || headers.length === 0) return EMPTY;
  const out: Record<string, string> = {};
  for (const header of headers) {
    for (const name of Object.keys(header)) {
      const value = header[name]!;
      out[name] = typeof value === 'string' ? value : value.toString('utf8');
    }
  }
  return out;
}

export function toKafkaHeaders(headers: Headers): Kafka.MessageHeader[] | undefined {
  if (headers === EMPTY) return undefined; // a record read without headers, passed through: no allocation
  const names = Object.keys(headers);
  if (names.length === 0) return undefined;
  return names.map((name) => ({ [name]: headers[name]! }));
}

const EMPTY: Headers = Object.freeze({});
