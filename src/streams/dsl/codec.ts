// Codecs turn log bytes into values at a source and values into bytes at a sink. A codec that
// throws while decoding sends the record to the source's dead-letter sink with the codec's message.
import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';

/** Bytes ⇄ value. `decode` throws an Error whose message says what is wrong with the bytes. */
export interface Codec<T> {
  /** shown in error reasons, e.g. `json(check-request)` */
  readonly name: string;
  decode(bytes: Buffer | null): T;
  encode(value: T): Buffer | null;
}

// One Ajv instance for the process: schemas compile once, when the codec is created (build time).
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);

/**
 * JSON, validated by an ajv schema when one is given (compiled once, here).
 * @example const requests = jsonCodec<CheckRequestJson>(checkRequestSchema, 'check-request');
 */
export function jsonCodec<T = unknown>(schema?: AnySchema, name = 'json'): Codec<T> {
  const validate = schema === undefined ? undefined : ajv.compile(schema);
  return {
    name,
    decode(bytes) {
      if (bytes === null) throw new Error(`${name}: value is null`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString()); // UTF-8; without arguments Buffer skips its encoding lookup
      } catch (error) {
        throw new Error(`${name}: not JSON (${(error as Error).message})`, { cause: error });
      }
      if (validate && !validate(parsed)) {
        throw new Error(`${name}: ${ajv.errorsText(validate.errors, { dataVar: 'value' })}`);
      }
      return parsed as T;
    },
    encode(value) {
      return Buffer.from(JSON.stringify(value), 'utf8');
    },
  };
}

/** UTF-8 text; null bytes decode to an error. */
export const stringCodec: Codec<string> = {
  name: 'string',
  decode(bytes) {
    if (bytes === null) throw new Error('string: value is null');
    return bytes.toString('utf8');
  },
  encode(value) {
    return Buffer.from(value, 'utf8');
  },
};

/** Raw bytes, passed through; null (a tombstone) stays null. */
export const bytesCodec: Codec<Buffer | null> = {
  name: 'bytes',
  decode(bytes) {
    return bytes;
  },
  encode(value) {
    return value;
  },
};
