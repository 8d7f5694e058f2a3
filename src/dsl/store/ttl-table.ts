// A key-value table whose entries expire a fixed time after they were written, built to hold
// millions of source ids in a few tens of bytes each (DESIGN.md: "memory is a design target").
//
// Layout, for keys that are canonical decimals below 2^48 (every real source id):
//   - entries live in dense, chunked Uint32Arrays, four words (16 bytes) an entry, so that one
//     lookup touches one cache line:
//       key low 32 bits · key high 16 bits | value length << 16 · expiry · value reference
//   - an open-addressing index (Uint32Array, linear probing, load ≤ 3/4) maps a key's hash to
//     its entry number + 1 (0 = empty). Deletion shifts the probe run back (no tombstone slots)
//     and fills the hole in the dense arrays with the last entry.
//   - an encoded value of up to 4 bytes is kept in the reference word itself (no arena, no
//     second cache miss); longer ones (≤ 65535 bytes) sit in a byte arena (value-arena.ts),
//     compacted when waste grows. get() copies the value into a scratch buffer before decoding,
//     so a lookup allocates nothing but the decoded value (a typed-array view costs more than
//     copying a few bytes).
// Any other key (letters, leading zeros, 2^48 and above) goes to a plain side Map, so every
// string key works and comes back exactly as it went in.
//
// Expiry resolution: whole milliseconds, exact. The expiry word holds `expiresAt - base` in ms,
// where `base` is a moving epoch. When a new expiry no longer fits 32 bits (at most every
// ~24.8 days, since ttlMs ≤ 2^31) every word is rebased in one pass; word 0 means "expired at or
// before the base". Clock values are floored to whole milliseconds; with an integer clock
// (Date.now) an entry written at t is visible while now < t + ttlMs and gone from t + ttlMs on.
// Limits of the 32-bit word, for clocks that misbehave: an entry already expired when a rebase
// happens stays expired if the clock later steps back before its expiry; an expiry more than
// ~49 days after the base (a clock stepping back by weeks, a record stamped weeks ahead) is
// clamped to the farthest instant the word can hold.
import { MAX_VALUE_BYTES, ValueArena } from './value-arena.ts';
import { StoreError } from './errors.ts';
import { hashWords, highWord, joinWords, lowWord, parseNumericKey } from './numeric-key.ts';
import type { Clock, StoreChange, TtlTableOptions, ValueCodec } from './types.ts';

export type { Clock, StoreChange, TtlTableOptions, ValueCodec } from './types.ts';
export { jsonCodec } from './json-codec.ts';

/** The longest TTL: expiry words are 32-bit ms offsets, and a rebase must leave room for one TTL. */
export const MAX_TTL_MS = 2 ** 31;

const CHUNK_BITS = 16;
const CHUNK_SIZE = 1 << CHUNK_BITS; // entries per dense chunk; a table wastes at most one chunk
const CHUNK_MASK = CHUNK_SIZE - 1;
const FIRST_CHUNK_SIZE = 256; // the first chunk doubles up to CHUNK_SIZE, so small tables stay small
const FIRST_INDEX_SLOTS = 512;
const MAX_RELATIVE = 0xffffffff;
// word offsets within an entry
const LOW = 0;
const HIGH_LENGTH = 1; // key high 16 bits | value length << 16
const EXPIRY = 2;
const REF = 3;
const INLINE_BYTES = 4; // values this short live in the REF word
const SCRATCH_VIEWS = 256; // views of the scratch buffer kept per length, for values up to this size

interface SideEntry {
  expiresAt: number;
  bytes: Uint8Array;
}

/** Up to four bytes packed little-endian into one word. */
function packInline(bytes: Uint8Array): number {
  let word = 0;
  for (let k = bytes.length - 1; k >= 0; k--) word = (word << 8) | bytes[k]!;
  return word >>> 0;
}

/** An entry's first word in its chunk. */
function wordOf(i: number): number {
  return (i & CHUNK_MASK) << 2;
}

/**
 * A TTL key-value table. Every mutation returns the changelog record to write, and `restore()`
 * applies such records, so a table can be rebuilt from its compacted changelog topic.
 *
 * @example
 *   const table = new TtlTable({ name: 'results', ttlMs: 3_600_000, clock: Date.now, codec: jsonCodec });
 *   const change = table.put('463243', { ok: true }); // write `change` to the changelog
 *   table.get('463243'); // { ok: true } for the next hour, then undefined
 */
export class TtlTable<V> {
  readonly name: string;
  readonly ttlMs: number;
  private readonly clock: Clock;
  private readonly codec: ValueCodec<V>;

  private chunks: Uint32Array[] = [];
  private count = 0;
  private index = new Uint32Array(FIRST_INDEX_SLOTS);
  private mask = FIRST_INDEX_SLOTS - 1;
  private arena = new ValueArena();
  private base: number;
  private readonly side = new Map<string, SideEntry>();
  private purgeCursor = 0;
  private scratch = new Uint8Array(SCRATCH_VIEWS);
  private scratchViews: Uint8Array[] = [];

  constructor(options: TtlTableOptions<V>) {
    const { name, ttlMs, clock, codec } = options ?? ({} as TtlTableOptions<V>);
    if (typeof name !== 'string' || name === '') throw new StoreError('STORE_INVALID_OPTIONS', 'TtlTable: name must be a non-empty string');
    if (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS) {
      throw new StoreError('STORE_INVALID_OPTIONS', `TtlTable "${name}": ttlMs must be a whole number of milliseconds in 1..${MAX_TTL_MS}, got ${String(ttlMs)}`);
    }
    if (typeof clock !== 'function') throw new StoreError('STORE_INVALID_OPTIONS', `TtlTable "${name}": clock must be a function returning ms since the epoch`);
    if (typeof codec?.encode !== 'function' || typeof codec.decode !== 'function') {
      throw new StoreError('STORE_INVALID_OPTIONS', `TtlTable "${name}": codec must have encode() and decode()`);
    }
    this.name = name;
    this.ttlMs = ttlMs;
    this.clock = clock;
    this.codec = codec;
    this.base = this.now();
  }

  /** Entries held, including expired ones that purgeExpired() has not removed yet. */
  get size(): number {
    return this.count + this.side.size;
  }

  /** Bytes of typed arrays the table holds (index, entries, value arena); the side map is not counted. */
  get allocatedBytes(): number {
    let dense = 0;
    for (const chunk of this.chunks) dense += chunk.byteLength;
    return this.index.byteLength + dense + this.arena.allocatedBytes;
  }

  /** The value, or undefined when the key is absent or expired (now ≥ written + ttlMs). */
  get(key: string): V | undefined {
    const n = this.numericKey(key);
    if (n < 0) {
      const entry = this.side.get(key);
      if (entry === undefined || this.now() >= entry.expiresAt) return undefined;
      return this.decode(key, entry.bytes);
    }
    const slot = this.findSlot(lowWord(n), highWord(n));
    if (slot < 0) return undefined;
    const i = this.index[slot]! - 1;
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const w = wordOf(i);
    if (this.isExpired(chunk[w + EXPIRY]!, this.now())) return undefined;
    return this.decode(key, this.readValue(chunk[w + REF]!, chunk[w + HIGH_LENGTH]! >>> 16));
  }

  /** Stores the value, stamped with clock(); returns the changelog record to write. */
  put(key: string, value: V): StoreChange {
    this.numericKey(key); // validates the key before encoding
    const now = this.now();
    const bytes = this.encode(key, value);
    this.write(key, bytes, now + this.ttlMs, now);
    return { key, value: bytes, timestamp: now };
  }

  /** Removes the key (expired or not); returns its tombstone, or undefined when it was not held. */
  delete(key: string): StoreChange | undefined {
    const now = this.now();
    if (!this.remove(key)) return undefined;
    this.compactIfWorthwhile();
    return { key, value: null, timestamp: now };
  }

  /**
   * Removes expired entries, at most `limit` of them, and returns their tombstones (for the
   * changelog). Fewer than `limit` tombstones means no expired entry is left. Successive limited
   * calls resume where the previous one stopped, so a periodic small purge walks the whole table.
   */
  purgeExpired(limit: number = Infinity): StoreChange[] {
    if (!(limit === Infinity || (Number.isInteger(limit) && limit >= 0))) {
      throw new StoreError('STORE_INVALID_OPTIONS', `TtlTable "${this.name}": purgeExpired limit must be a non-negative integer, got ${String(limit)}`);
    }
    const now = this.now();
    const tombstones: StoreChange[] = [];
    for (const [key, entry] of this.side) {
      if (tombstones.length >= limit) break;
      if (now >= entry.expiresAt) {
        this.side.delete(key);
        tombstones.push({ key, value: null, timestamp: now });
      }
    }
    if (this.count > 0 && tombstones.length < limit) this.purgeDense(now, limit, tombstones);
    this.compactIfWorthwhile();
    return tombstones;
  }

  /**
   * Applies one changelog record: a tombstone removes the key; a value is kept until its
   * timestamp + ttlMs, and not kept at all (the key is removed) when that is already past.
   */
  restore(change: StoreChange): void {
    if (change === null || typeof change !== 'object') throw this.badChange('a changelog record must be an object');
    const { key, value, timestamp } = change;
    if (typeof key !== 'string') throw this.badChange(`key must be a string, got ${typeof key}`);
    if (value !== null && !(value instanceof Uint8Array)) throw this.badChange(`value of "${key}" must be a Uint8Array or null`);
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) throw this.badChange(`timestamp of "${key}" must be a finite number`);
    const now = this.now();
    const expiresAt = Math.floor(timestamp) + this.ttlMs;
    if (value === null || expiresAt <= now) {
      this.remove(key);
    } else {
      this.write(key, value, expiresAt, now);
    }
    this.compactIfWorthwhile();
  }

  // ---- internals -------------------------------------------------------------------------

  private now(): number {
    const t = this.clock();
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new StoreError('STORE_BAD_CLOCK', `TtlTable "${this.name}": clock() returned ${String(t)}, not ms since the epoch`);
    }
    return Math.floor(t);
  }

  private numericKey(key: string): number {
    if (typeof key !== 'string') throw new StoreError('STORE_INVALID_KEY', `TtlTable "${this.name}": keys are strings, got ${typeof key}`);
    return parseNumericKey(key);
  }

  private encode(key: string, value: V): Uint8Array {
    let bytes: unknown;
    try {
      bytes = this.codec.encode(value);
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError('STORE_CODEC_ENCODE', `TtlTable "${this.name}": cannot encode the value of "${key}": ${(cause as Error).message}`, { cause });
    }
    if (!(bytes instanceof Uint8Array)) throw new StoreError('STORE_CODEC_ENCODE', `TtlTable "${this.name}": codec.encode did not return a Uint8Array`);
    return bytes;
  }

  private decode(key: string, bytes: Uint8Array): V {
    try {
      return this.codec.decode(bytes);
    } catch (cause) {
      if (cause instanceof StoreError) throw cause;
      throw new StoreError('STORE_CODEC_DECODE', `TtlTable "${this.name}": cannot decode the value of "${key}": ${(cause as Error).message}`, { cause });
    }
  }

  private badChange(detail: string): StoreError {
    return new StoreError('STORE_INVALID_CHANGE', `TtlTable "${this.name}": restore: ${detail}`);
  }

  private isExpired(relative: number, now: number): boolean {
    return relative === 0 || now >= this.base + relative;
  }

  /** The expiry word for an entry that is live at `now`, rebasing first when it would not fit. */
  private relativeExpiry(expiresAt: number, now: number): number {
    let relative = expiresAt - this.base;
    if (relative <= 0 || relative > MAX_RELATIVE) {
      this.rebase(now);
      relative = expiresAt - this.base;
    }
    return Math.min(Math.max(relative, 0), MAX_RELATIVE);
  }

  private rebase(newBase: number): void {
    const shift = newBase - this.base;
    for (let i = 0; i < this.count; i++) {
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i) + EXPIRY;
      const relative = chunk[w]!;
      if (relative !== 0) chunk[w] = Math.min(Math.max(relative - shift, 0), MAX_RELATIVE);
    }
    this.base = newBase;
  }

  private write(key: string, bytes: Uint8Array, expiresAt: number, now: number): void {
    if (bytes.length > MAX_VALUE_BYTES) {
      throw new StoreError('STORE_VALUE_TOO_LARGE', `TtlTable "${this.name}": the value of "${key}" encodes to ${bytes.length} bytes, more than ${MAX_VALUE_BYTES}`);
    }
    const n = parseNumericKey(key);
    if (n < 0) {
      // a copy: the caller may reuse its buffer (a Kafka message, the StoreChange it got back)
      this.side.set(key, { expiresAt, bytes: bytes.slice() });
      return;
    }
    const low = lowWord(n);
    const high = highWord(n);
    const relative = this.relativeExpiry(expiresAt, now);
    const slot = this.findSlot(low, high);
    if (slot >= 0) {
      const i = this.index[slot]! - 1;
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i);
      const ref = this.storeValue(bytes); // first: a too-large value must leave the entry as it was
      this.releaseValue(chunk[w + HIGH_LENGTH]! >>> 16);
      chunk[w + HIGH_LENGTH] = high | (bytes.length << 16);
      chunk[w + EXPIRY] = relative;
      chunk[w + REF] = ref;
      this.compactIfWorthwhile();
      return;
    }
    const ref = this.storeValue(bytes);
    const i = this.count;
    this.ensureDenseCapacity();
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const w = wordOf(i);
    chunk[w + LOW] = low;
    chunk[w + HIGH_LENGTH] = high | (bytes.length << 16);
    chunk[w + EXPIRY] = relative;
    chunk[w + REF] = ref;
    this.count = i + 1;
    if (this.count * 4 > this.index.length * 3) this.growIndex();
    else this.insertSlot(low, high, i);
  }

  /** Removes the key wherever it lives; false when it was not held. */
  private remove(key: string): boolean {
    const n = this.numericKey(key);
    if (n < 0) return this.side.delete(key);
    const slot = this.findSlot(lowWord(n), highWord(n));
    if (slot < 0) return false;
    this.removeAtSlot(slot);
    return true;
  }

  private findSlot(low: number, high: number): number {
    const index = this.index;
    const mask = this.mask;
    let slot = hashWords(low, high) & mask;
    for (;;) {
      const entry = index[slot]!;
      if (entry === 0) return -1;
      const i = entry - 1;
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i);
      if (chunk[w + LOW] === low && (chunk[w + HIGH_LENGTH]! & 0xffff) === high) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private insertSlot(low: number, high: number, i: number): void {
    let slot = hashWords(low, high) & this.mask;
    while (this.index[slot] !== 0) slot = (slot + 1) & this.mask;
    this.index[slot] = i + 1;
  }

  private growIndex(): void {
    const slots = this.index.length * 2;
    this.index = new Uint32Array(slots);
    this.mask = slots - 1;
    for (let i = 0; i < this.count; i++) {
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i);
      this.insertSlot(chunk[w + LOW]!, chunk[w + HIGH_LENGTH]! & 0xffff, i);
    }
  }

  private ensureDenseCapacity(): void {
    const last = this.chunks[this.chunks.length - 1];
    const lastEntries = last === undefined ? 0 : last.length >>> 2;
    const capacity = last === undefined ? 0 : (this.chunks.length - 1) * CHUNK_SIZE + lastEntries;
    if (this.count < capacity) return;
    if (last === undefined) {
      this.chunks.push(new Uint32Array(FIRST_CHUNK_SIZE * 4));
    } else if (lastEntries < CHUNK_SIZE) {
      // only the first chunk is ever short: double it
      const grown = new Uint32Array(lastEntries * 2 * 4);
      grown.set(last);
      this.chunks[this.chunks.length - 1] = grown;
    } else {
      this.chunks.push(new Uint32Array(CHUNK_SIZE * 4));
    }
  }

  /** Removes the entry the index slot points at: back-shift the probe run, fill the dense hole. */
  private removeAtSlot(slot: number): void {
    const i = this.index[slot]! - 1;
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const w = wordOf(i);
    this.releaseValue(chunk[w + HIGH_LENGTH]! >>> 16);
    this.clearSlot(slot);

    const last = this.count - 1;
    if (i !== last) {
      const from = this.chunks[last >>> CHUNK_BITS]!;
      const fw = wordOf(last);
      const low = from[fw + LOW]!;
      const highLength = from[fw + HIGH_LENGTH]!;
      chunk[w + LOW] = low;
      chunk[w + HIGH_LENGTH] = highLength;
      chunk[w + EXPIRY] = from[fw + EXPIRY]!;
      chunk[w + REF] = from[fw + REF]!;
      let moved = hashWords(low, highLength & 0xffff) & this.mask;
      while (this.index[moved] !== last + 1) moved = (moved + 1) & this.mask;
      this.index[moved] = i + 1;
    }
    this.count = last;
    // release a trailing chunk once a whole spare chunk stands behind it (hysteresis against thrash)
    if (this.chunks.length > 2 && this.count <= (this.chunks.length - 2) * CHUNK_SIZE) this.chunks.pop();
  }

  /** Linear-probing deletion: move later members of the probe run back so lookups still find them. */
  private clearSlot(slot: number): void {
    const index = this.index;
    const mask = this.mask;
    let hole = slot;
    let next = (hole + 1) & mask;
    for (;;) {
      const entry = index[next]!;
      if (entry === 0) break;
      const i = entry - 1;
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i);
      const home = hashWords(chunk[w + LOW]!, chunk[w + HIGH_LENGTH]! & 0xffff) & mask;
      // the entry may fill the hole unless its home lies cyclically in (hole, next]
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!stays) {
        index[hole] = entry;
        hole = next;
      }
      next = (next + 1) & mask;
    }
    index[hole] = 0;
  }

  private slotOfEntry(i: number): number {
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const w = wordOf(i);
    let slot = hashWords(chunk[w + LOW]!, chunk[w + HIGH_LENGTH]! & 0xffff) & this.mask;
    while (this.index[slot] !== i + 1) slot = (slot + 1) & this.mask;
    return slot;
  }

  private expiredEntry(i: number, now: number): boolean {
    return this.isExpired(this.chunks[i >>> CHUNK_BITS]![wordOf(i) + EXPIRY]!, now);
  }

  private removeExpiredEntry(i: number, now: number, tombstones: StoreChange[]): void {
    const chunk = this.chunks[i >>> CHUNK_BITS]!;
    const w = wordOf(i);
    tombstones.push({ key: String(joinWords(chunk[w + LOW]!, chunk[w + HIGH_LENGTH]! & 0xffff)), value: null, timestamp: now });
    this.removeAtSlot(this.slotOfEntry(i));
  }

  /**
   * Walks the dense entries downward from the cursor, then wraps to the top. Removing entry i
   * moves the last entry into i: in the first leg that entry may not have been examined, so i is
   * examined again; in the second leg it came from above i, already examined and live.
   */
  private purgeDense(now: number, limit: number, tombstones: StoreChange[]): void {
    const start = Math.min(this.purgeCursor, this.count - 1);
    let i = start;
    while (i >= 0 && tombstones.length < limit) {
      if (this.expiredEntry(i, now)) {
        this.removeExpiredEntry(i, now, tombstones);
        if (i >= this.count) i--;
      } else {
        i--;
      }
    }
    if (i < 0) {
      // first leg done; the unexamined entries are exactly those above `start`
      i = this.count - 1;
      while (i > start && tombstones.length < limit) {
        if (this.expiredEntry(i, now)) this.removeExpiredEntry(i, now, tombstones);
        i--;
      }
    }
    this.purgeCursor = Math.max(i, 0);
  }

  private compactIfWorthwhile(): void {
    if (!this.arena.wantsCompaction) return;
    const fresh = new ValueArena();
    for (let i = 0; i < this.count; i++) {
      const chunk = this.chunks[i >>> CHUNK_BITS]!;
      const w = wordOf(i);
      const length = chunk[w + HIGH_LENGTH]! >>> 16;
      if (length > INLINE_BYTES) chunk[w + REF] = fresh.store(this.arena.view(chunk[w + REF]!, length));
    }
    this.arena = fresh;
  }

  /** The REF word for a value: the bytes themselves when they fit, else an arena reference. */
  private storeValue(bytes: Uint8Array): number {
    return bytes.length <= INLINE_BYTES ? packInline(bytes) : this.arena.store(bytes);
  }

  private releaseValue(length: number): void {
    if (length > INLINE_BYTES) this.arena.release(length);
  }

  /** The value's bytes, copied into the scratch buffer (valid until the next get). */
  private readValue(ref: number, length: number): Uint8Array {
    if (length > this.scratch.length) {
      this.scratch = new Uint8Array(2 ** Math.ceil(Math.log2(length)));
      this.scratchViews = [];
    }
    if (length <= INLINE_BYTES) {
      for (let k = 0; k < length; k++) this.scratch[k] = (ref >>> (k * 8)) & 0xff;
    } else {
      this.arena.copyOut(ref, length, this.scratch);
    }
    if (length >= SCRATCH_VIEWS) return this.scratch.subarray(0, length);
    return (this.scratchViews[length] ??= this.scratch.subarray(0, length));
  }
}
