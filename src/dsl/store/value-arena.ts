// Byte arena for the TTL table's encoded values: values are appended to chunks, each prefixed by
// its varint length, and addressed by a 32-bit reference (chunk number × 2^20 + offset). A typed
// array chunk costs no per-value object header, which is the point: a value of a handful of bytes
// stays a handful of bytes. Released values become waste; the table compacts (copies live values
// into a fresh arena) once waste outgrows a quarter of the live bytes.
import { StoreError } from './errors.ts';
import { varintLength, writeVarint } from './varint.ts';

const CHUNK_BITS = 20;
const CHUNK_STRIDE = 1 << CHUNK_BITS; // addressing stride and the largest chunk
const OFFSET_MASK = CHUNK_STRIDE - 1;
const MAX_CHUNKS = 2 ** (32 - CHUNK_BITS); // references are Uint32
const FIRST_CHUNK = 4096; // small tables stay small: chunks double up to CHUNK_STRIDE
/** The largest encoded value the arena stores (a chunk minus the length prefix). */
export const MAX_VALUE_BYTES = CHUNK_STRIDE - varintLength(CHUNK_STRIDE);

export class ValueArena {
  private readonly chunks: Uint8Array[] = [];
  private writeOffset = 0;
  /** bytes held by values still referenced (prefix included) */
  liveBytes = 0;
  /** bytes of released values plus chunk tails too short for the next value */
  wasteBytes = 0;

  /** Copies `bytes` into the arena and returns its reference. */
  store(bytes: Uint8Array): number {
    const length = bytes.length;
    if (length > MAX_VALUE_BYTES) {
      throw new StoreError('STORE_VALUE_TOO_LARGE', `encoded value of ${length} bytes exceeds the table's limit of ${MAX_VALUE_BYTES} bytes`);
    }
    const record = varintLength(length) + length;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || this.writeOffset + record > chunk.length) chunk = this.nextChunk(record);
    const ref = (this.chunks.length - 1) * CHUNK_STRIDE + this.writeOffset;
    const start = writeVarint(chunk, this.writeOffset, length);
    chunk.set(bytes, start);
    this.writeOffset = start + length;
    this.liveBytes += record;
    return ref;
  }

  /** A view of the value at `ref` (valid until the arena is compacted or the value released). */
  read(ref: number): Uint8Array {
    const chunk = this.chunks[Math.floor(ref / CHUNK_STRIDE)]!;
    let offset = ref & OFFSET_MASK;
    // inline varint decode: lengths are below 2^20, so at most 3 bytes
    let length = 0;
    let shift = 0;
    for (;;) {
      const b = chunk[offset++]!;
      length |= (b & 127) << shift;
      if (b < 128) break;
      shift += 7;
    }
    return chunk.subarray(offset, offset + length);
  }

  /** Marks the value at `ref` as no longer referenced. */
  release(ref: number): void {
    const length = this.read(ref).length;
    const record = varintLength(length) + length;
    this.liveBytes -= record;
    this.wasteBytes += record;
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

  private nextChunk(record: number): Uint8Array {
    const last = this.chunks[this.chunks.length - 1];
    if (last !== undefined) this.wasteBytes += last.length - this.writeOffset;
    if (this.chunks.length >= MAX_CHUNKS) {
      throw new StoreError('STORE_VALUE_TOO_LARGE', `value arena full (${MAX_CHUNKS} chunks of ${CHUNK_STRIDE} bytes)`);
    }
    let size = last === undefined ? FIRST_CHUNK : Math.min(CHUNK_STRIDE, last.length * 2);
    while (size < record) size *= 2;
    const chunk = new Uint8Array(size);
    this.chunks.push(chunk);
    this.writeOffset = 0;
    return chunk;
  }
}
