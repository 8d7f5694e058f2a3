// A key-value table whose entries expire a fixed time after they were written, built to hold
// millions of source ids in a few tens of bytes each (memory bounds how many a worker can hold),
// and to answer a lookup with one random memory access.
//
// Layout, for keys that are canonical decimals below 2^40 (every real source id): one
// open-addressing hash table (slot-table.ts) whose slots are the entries themselves, four words
// (16 bytes) a slot in one Uint32Array:
//       key low 32 bits · key high 8 bits | fifth value byte << 8 | value length << 16 ·
//       expiry word · value reference (or the first four value bytes)
// A lookup hashes the key, reads its home slot and, with linear probing, the next ones: the key,
// its expiry and (usually) its value come in the same cache line. The earlier layout (an index
// of entry numbers, then a dense entry array) cost two dependent cache misses per lookup, which
// at 10M entries cost more than half the lookup rate (see slot-table.ts for the figures).
//   - an encoded value of up to 5 bytes is kept in the slot itself (no arena, no second cache
//     miss; the results codec's usual value is 4 or 5 bytes); longer ones (≤ 65535 bytes) sit
//     in a byte arena (value-arena.ts), compacted when waste grows. get() copies the value into
//     a scratch buffer before decoding, so a lookup allocates nothing but the decoded value (a
//     typed-array view costs more than copying a few bytes).
// Any other key (letters, leading zeros, 2^40 and above) goes to a plain side Map, so every
// string key works and comes back exactly as it went in.
//
// Expiry resolution: whole milliseconds, exact. The expiry word holds 1 + (expiresAt - base) in
// ms, where `base` is a moving epoch; word 0 marks a free slot and word 1 "expired at or before
// the base". When a new expiry no longer fits 32 bits (at most every ~24.8 days, since
// ttlMs ≤ 2^31) every word is rebased in one pass. Clock values are floored to whole
// milliseconds; with an integer clock (Date.now) an entry written at t is visible while
// now < t + ttlMs and gone from t + ttlMs on.
// Limits of the 32-bit word, for clocks that misbehave: an entry already expired when a rebase
// happens stays expired if the clock later steps back before its expiry; an expiry more than
// ~49 days after the base (a clock stepping back by weeks, a record stamped weeks ahead) is
// clamped to the farthest instant the word can hold.
import { MAX_VALUE_BYTES, ValueArena } from './value-arena.ts';
import { StoreError } from './errors.ts';
import { highWord, joinWords, lowWord, parseNumericKey } from './numeric-key.ts';
import { EXPIRY, FREE, HIGH_LENGTH, KEY_HIGH_MASK, LOW, REF, SLOT_WORDS, SlotTable } from './slot-table.ts';
import type { StoreChange, StoreValueCodec } from '../dsl/store-ref.ts';
import type { TtlTableOptions } from './types.ts';

export type { TtlTableOptions } from './types.ts';

/** The longest TTL: expiry words are 32-bit ms offsets, and a rebase must leave room for one TTL. */
export const MAX_TTL_MS = 2 ** 31;

const EXPIRED = 1; // expiry word of an entry that expired at or before the base
const MAX_RELATIVE = 0xfffffffe; // expiry word = 1 + relative, at most 0xffffffff
const INLINE_BYTES = 5; // values this short live in the slot: bytes 0-3 in REF, byte 4 in HIGH_LENGTH bits 8-15
const SCRATCH_VIEWS = 256; // views of the scratch buffer kept per length, for values up to this size

interface SideEntry {
  expiresAt: number;
  bytes: Uint8Array;
}

/** The first four bytes of a value, packed little-endian into the REF word. */
function packInline(bytes: Uint8Array): number {
  let word = 0;
  for (let k = Math.min(bytes.length, 4) - 1; k >= 0; k--) word = (word << 8) | bytes[k]!;
  return word >>> 0;
}

/** The HIGH_LENGTH word: key high bits, the fifth byte of a 5-byte inline value, the value length. */
function highLengthWord(high: number, bytes: Uint8Array): number {
  const fifth = bytes.length === INLINE_BYTES ? bytes[4]! << 8 : 0;
  return (high | fifth | (bytes.length << 16)) >>> 0;
}

/**
 * A TTL key-value table. Every mutation returns the changelog record to write, and `restore()`
 * applies such records, so a table can be rebuilt from its compacted changelog topic.
 *
 * @example
 *   const table = new TtlTable({ name: 'results', ttlMs: 3_600_000, clock: Date.now, codec: jsonValueCodec });
 *   const change = table.put('463243', { ok: true }); // write `change` to the changelog
 *   table.get('463243'); // { ok: true } for the next hour, then undefined
 */
export class TtlTable<V> {
  readonly name: string;
  readonly ttlMs: number;
  private readonly clock: () => number;
  private readonly codec: StoreValueCodec<V>;

  private readonly slots = new SlotTable();
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
    return this.slots.count + this.side.size;
  }

  /** Bytes of typed arrays the table holds (slots, value arena); the side map is not counted. */
  get allocatedBytes(): number {
    return this.slots.words.byteLength + this.arena.allocatedBytes;
  }

  /** The value, or undefined when the key is absent or expired (now ≥ written + ttlMs). */
  get(key: string): V | undefined {
    const n = this.numericKey(key);
    if (n < 0) {
      const entry = this.side.get(key);
      if (entry === undefined || this.now() >= entry.expiresAt) return undefined;
      return this.decode(key, entry.bytes);
    }
    const slot = this.slots.find(lowWord(n), highWord(n));
    if (slot < 0) return undefined;
    const words = this.slots.words;
    const w = slot * SLOT_WORDS;
    if (this.isExpired(words[w + EXPIRY]!, this.now())) return undefined;
    return this.decode(key, this.readValue(words[w + REF]!, words[w + HIGH_LENGTH]!));
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
    this.slots.shrinkIfSparse();
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
    if (this.slots.count > 0 && tombstones.length < limit) this.purgeSlots(now, limit, tombstones);
    if (this.slots.shrinkIfSparse()) this.purgeCursor = 0;
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
      if (this.remove(key)) this.slots.shrinkIfSparse();
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

  /** Whether an entry's expiry word says it is gone at `now`. */
  private isExpired(word: number, now: number): boolean {
    return word === EXPIRED || now >= this.base + word - 1;
  }

  /** The expiry word for an entry that is live at `now`, rebasing first when it would not fit. */
  private expiryWord(expiresAt: number, now: number): number {
    let relative = expiresAt - this.base;
    if (relative <= 0 || relative > MAX_RELATIVE) {
      this.rebase(now);
      relative = expiresAt - this.base;
    }
    return Math.min(Math.max(relative, 0), MAX_RELATIVE) + 1;
  }

  private rebase(newBase: number): void {
    const shift = newBase - this.base;
    const words = this.slots.words;
    for (let w = EXPIRY; w < words.length; w += SLOT_WORDS) {
      const word = words[w]!;
      if (word !== FREE && word !== EXPIRED) words[w] = Math.min(Math.max(word - 1 - shift, 0), MAX_RELATIVE) + 1;
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
    const expiry = this.expiryWord(expiresAt, now); // may rebase: before reading any expiry word
    const slot = this.slots.find(low, high);
    const ref = this.storeValue(bytes);
    if (slot >= 0) {
      const words = this.slots.words;
      const w = slot * SLOT_WORDS;
      this.releaseValue(words[w + HIGH_LENGTH]! >>> 16);
      words[w + HIGH_LENGTH] = highLengthWord(high, bytes);
      words[w + EXPIRY] = expiry;
      words[w + REF] = ref;
      this.compactIfWorthwhile();
      return;
    }
    this.slots.insert(slot, low, highLengthWord(high, bytes), expiry, ref);
  }

  /** Removes the key wherever it lives; false when it was not held. */
  private remove(key: string): boolean {
    const n = this.numericKey(key);
    if (n < 0) return this.side.delete(key);
    const slot = this.slots.find(lowWord(n), highWord(n));
    if (slot < 0) return false;
    this.releaseValue(this.slots.words[slot * SLOT_WORDS + HIGH_LENGTH]! >>> 16);
    this.slots.removeAt(slot);
    return true;
  }

  /**
   * Walks the slots upward from the cursor, wrapping around, for at most one full turn. Removing
   * the entry at slot s moves later members of its probe run back into s or beyond, never behind
   * s, so s is examined again and nothing unexamined is skipped; an entry moved from the part
   * already walked (a run that wraps past the start) is live and is merely examined twice.
   */
  private purgeSlots(now: number, limit: number, tombstones: StoreChange[]): void {
    const capacity = this.slots.slots;
    let slot = this.purgeCursor < capacity ? this.purgeCursor : 0;
    let walked = 0;
    while (walked < capacity && tombstones.length < limit) {
      const words = this.slots.words;
      const w = slot * SLOT_WORDS;
      const expiry = words[w + EXPIRY]!;
      if (expiry !== FREE && this.isExpired(expiry, now)) {
        tombstones.push({ key: String(joinWords(words[w + LOW]!, words[w + HIGH_LENGTH]! & KEY_HIGH_MASK)), value: null, timestamp: now });
        this.releaseValue(words[w + HIGH_LENGTH]! >>> 16);
        this.slots.removeAt(slot);
      } else {
        slot = slot + 1 === capacity ? 0 : slot + 1;
        walked++;
      }
    }
    this.purgeCursor = slot;
  }

  private compactIfWorthwhile(): void {
    if (!this.arena.wantsCompaction) return;
    const fresh = new ValueArena();
    const words = this.slots.words;
    for (let w = 0; w < words.length; w += SLOT_WORDS) {
      if (words[w + EXPIRY] === FREE) continue;
      const length = words[w + HIGH_LENGTH]! >>> 16;
      if (length > INLINE_BYTES) words[w + REF] = fresh.store(this.arena.view(words[w + REF]!, length));
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
  private readValue(ref: number, highLength: number): Uint8Array {
    const length = highLength >>> 16;
    if (length > this.scratch.length) {
      this.scratch = new Uint8Array(2 ** Math.ceil(Math.log2(length)));
      this.scratchViews = [];
    }
    if (length <= INLINE_BYTES) {
      for (let k = 0; k < length && k < 4; k++) this.scratch[k] = (ref >>> (k * 8)) & 0xff;
      if (length === INLINE_BYTES) this.scratch[4] = (highLength >>> 8) & 0xff;
    } else {
      this.arena.copyOut(ref, length, this.scratch);
    }
    if (length >= SCRATCH_VIEWS) return this.scratch.subarray(0, length);
    return (this.scratchViews[length] ??= this.scratch.subarray(0, length));
  }
}
