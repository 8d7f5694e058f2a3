// The shape of a Kafka record as this service produces and consumes it. It matches node-rdkafka's
// produce arguments (key, value, headers as an array of one-entry objects, in order) and is what
// the embedded log stores, so an encoded record goes to either runtime unchanged.

/** One header: a single `{ name: bytes }` entry. node-rdkafka delivers strings or Buffers. */
export type RecordHeader = { [name: string]: Buffer };

/** A record ready to produce: the exact bytes that go on the wire. */
export interface KafkaRecord {
  key: Buffer;
  value: Buffer;
  /** in wire order; a name may appear once */
  headers: RecordHeader[];
}

/**
 * Headers as they may arrive: node-rdkafka's array of one-entry objects (Buffer or string values),
 * or the DSL's plain `{ name: value }` map (src/streams/dsl/record.ts).
 */
export type IncomingHeaders = Array<{ [name: string]: Buffer | string }> | Readonly<Record<string, Buffer | string>> | null | undefined;

/** A record as a consumer may hand it over (node-rdkafka gives Buffers, tests may give strings). */
export interface IncomingRecord {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: IncomingHeaders;
}

const text = (value: Buffer | string): string => (typeof value === 'string' ? value : value.toString('utf8'));

/** Flattens headers to `[name, value]` pairs, in order, decoding values as UTF-8. */
export function headerEntries(headers: IncomingHeaders): Array<[string, string]> {
  if (headers === null || headers === undefined) return [];
  if (!Array.isArray(headers)) return Object.entries(headers).map(([name, value]) => [name, text(value)]);
  const entries: Array<[string, string]> = [];
  for (const header of headers) {
    for (const [name, value] of Object.entries(header)) entries.push([name, text(value)]);
  }
  return entries;
}

/**
 * The headers as a `{ name: value }` map in wire order (JS keeps string keys in insertion order),
 * the form the DSL's records carry.
 */
export function headerMap(headers: IncomingHeaders): Record<string, string> {
  return Object.fromEntries(headerEntries(headers));
}

/** The value of header `name` (exact, case-sensitive, as Sources compares), or undefined. */
export function headerValue(headers: IncomingHeaders, name: string): string | undefined {
  return headerEntries(headers).find(([n]) => n === name)?.[1];
}

export function asText(bytes: Buffer | string | null | undefined): string | undefined {
  if (bytes === null || bytes === undefined) return undefined;
  return text(bytes);
}
