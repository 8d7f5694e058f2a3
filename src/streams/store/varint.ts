// Unsigned LEB128 varints for integers up to Number.MAX_SAFE_INTEGER. Arithmetic rather than
// bitwise operators, because JS bit operators truncate to 32 bits and source/application ids
// can be larger than that.
import { StoreError } from './errors.ts';

/** Bytes `value` takes as a varint (1 for 0..127, 2 up to 16383, ...). */
export function varintLength(value: number): number {
  let length = 1;
  while (value >= 128) {
    value = Math.floor(value / 128);
    length += 1;
  }
  return length;
}

/** Writes `value` at `offset`; returns the offset just after it. The caller sized `target`. */
export function writeVarint(target: Uint8Array, offset: number, value: number): number {
  while (value >= 128) {
    target[offset++] = (value % 128) | 128;
    value = Math.floor(value / 128);
  }
  target[offset++] = value;
  return offset;
}

/** Bytes `bytes` take written with writeLengthPrefixed: their length as a varint, then themselves. */
export function lengthPrefixedSize(bytes: Uint8Array): number {
  return varintLength(bytes.length) + bytes.length;
}

/** Writes the length of `bytes` as a varint, then `bytes`; returns the offset just after them. */
export function writeLengthPrefixed(target: Uint8Array, offset: number, bytes: Uint8Array): number {
  offset = writeVarint(target, offset, bytes.length);
  target.set(bytes, offset);
  return offset + bytes.length;
}

/** A cursor over encoded bytes that fails with a clear error instead of reading past the end. */
export class ByteReader {
  offset = 0;

  constructor(readonly bytes: Uint8Array, private readonly what: string) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw this.truncated();
    this.offset += 1;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 127) * scale;
      if (b < 128) break;
      scale *= 128;
      if (scale > 2 ** 56) throw new StoreError('STORE_CODEC_DECODE', `${this.what}: varint longer than 8 bytes at offset ${this.offset}`);
    }
    if (value > Number.MAX_SAFE_INTEGER) throw new StoreError('STORE_CODEC_DECODE', `${this.what}: varint beyond 2^53 at offset ${this.offset}`);
    return value;
  }

  slice(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw this.truncated();
    const view = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return view;
  }

  private truncated(): StoreError {
    return new StoreError('STORE_CODEC_DECODE', `${this.what}: truncated at offset ${this.offset} of ${this.bytes.length} bytes`);
  }
}
