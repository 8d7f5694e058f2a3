// Byte arena for the TTL table's encoded values: values are appended to chunks and addressed by
// a 32-bit reference (chunk number × 2^20 + offset); the table keeps each value's length beside
// the reference. A typed-array chunk costs no per-value object header, which is the point: a
// value of a handful of bytes stays a handful of bytes. Released values become waste; the table
// compacts (copies live values into a fresh arena) once waste outgrows a quarter of the live bytes.
import { StoreError } from './errors.ts';

const CHUNK_BITS = 20;
const CHUNK_STRIDE = 1 << CHUNK_BITS; // addressing stride and the largest chunk
const OFFSET_MASK = CHUNK_STRIDE - 1;
const MAX_CHUNKS = 2 ** (32 - CHUNK_BITS); // references are Uint32
const FIRST_CHUNK = 4096; // small tables stay small: chunks double up to CHUNK_STRIDE
/** The largest encoded value (the table keeps lengths in 16 bits). */
export const MAX_VALUE_BYTES = 0xffff;

export class ValueArena {
  private readonly chunks: Uint8Array[] = [];
  private writeOffset = 0;
  /** bytes held by values still referenced */
  liveBytes = 0;
  /** bytes of released values plus chunk tails too short for the next value */
  wasteBytes = 0;

  /** Copies `bytes` into the arena and returns its reference. */
  store(bytes: Uint8Array): number {
    const length = bytes.length;
    if (length > MAX_VALUE_BYTES) {
      throw new StoreError('STORE_VALUE_TOO_LARGE', `encoded value of ${length} bytes exceeds the table's limit of ${MAX_VALUE_BYTES} bytes`);
    }
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.writeOffset + length > chunk.length) chunk = this.nextChunk(length);
    const ref = (this.chunks.length - 1) * CHUNK_STRIDE + this.writeOffset;
    chunk.set(bytes, this.writeOffset);
    this.writeOffset += length;
    this.liveBytes += length;
    return ref;
  }

  /** Copies the value at `ref` into `target` (which has room for `length` bytes). No allocation. */
  copyOut(ref: number, length: number, target: Uint8Array): void {
    const chunk = this.chunks[Math.floor(ref / CHUNK_STRIDE)]!;
    const offset = ref & OFFSET_MASK;
    for (let k = 0; k < length; k++) target[k] = chunk[offset + k]!;
  }

  /** A view of the value at `ref` (valid until the arena is compacted). */
  view(ref: number, length: number): Uint8Array {
    const offset = ref & OFFSET_MASK;
    return this.chunks[Math.floor(ref / CHUNK_STRIDE)]!.subarray(offset, offset + length);
  }

  /** Marks a value of `length` bytes as no longer referenced. */
  release(length: number): void {
    this.liveBytes -= length;
    this.wasteBytes += length;
  }

  /** True when copying the live values out would free a worthwhile share of the arena. */
  get wantsCompaction(): boolean {
    return this.wasteBytes > 64 * 1024 && this.wasteBytes * 4 > this.liveBytes;
  }

  /** Bytes held by the chunks (what the arena costs, waste included). */
  get allocatedBytes(): number {
    let total = 0;
    for (const chunk of this.chunks) total += chunk.length;
    return total;
  }

  private nextChunk(length: number): Uint8Array {
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined) this.wasteBytes += last.length - this.writeOffset;
    if (this.chunks.length >= MAX_CHUNKS) {
      throw new StoreError('STORE_VALUE_TOO_LARGE', `value arena full (${MAX_CHUNKS} chunks of ${CHUNK_STRIDE} bytes)`);
    }
    let size = last === undefined ? FIRST_CHUNK : Math.min(CHUNK_STRIDE, last.length * 2);
    while (size < length) size *= 2;
    const chunk = new Uint8Array(size);
    this.chunks.push(chunk);
    this.writeOffset = 0;
    return chunk;
  }
}
