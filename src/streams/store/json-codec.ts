// The general-purpose store value codec: JSON text as UTF-8 (a store's values as changelog bytes;
// the DSL's record codec for topics is dsl/codec.ts's jsonCodec). Compact codecs (availability-codec.ts)
// exist for the hot tables; this one is for everything else.
import { StoreError } from './errors.ts';
import type { StoreValueCodec } from '../dsl/store-ref.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export const jsonValueCodec: StoreValueCodec<unknown> = {
  encode(value: unknown): Uint8Array {
    const text = JSON.stringify(value);
    if (text === undefined) throw new StoreError('STORE_CODEC_ENCODE', `jsonValueCodec: ${typeof value} has no JSON form`);
    return encoder.encode(text);
  },
  decode(bytes: Uint8Array): unknown {
    try {
      return JSON.parse(decoder.decode(bytes));
    } catch (cause) {
      throw new StoreError('STORE_CODEC_DECODE', `jsonValueCodec: ${bytes.length} bytes are not UTF-8 JSON: ${(cause as Error).message}`, { cause });
    }
  },
};
