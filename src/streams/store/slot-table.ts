// The TTL table's numeric-key storage: an open-addressing hash table whose slots hold the entries
// themselves, four 32-bit words a slot, in one Uint32Array, with linear probing.
//
// Why this shape: at 10M entries the table is hundreds of MB and every lookup is a cache (and
// TLB) miss. An index of entry numbers in front of a dense entry array costs two dependent misses
// a lookup; here the home slot is the first read, and the key, its expiry and a short value are
// in it. Linear probing keeps a probe run in consecutive cache lines. Measured on the 2-core
// development VM, 10M source ids, random hits, get + decode, same process, alternating rounds:
// index + dense entries 1.0-1.4M lookups/s, this layout 2.6-3.3M/s (the old one also kept only
// 4-byte values inline: the 60% of 5-byte values took a third miss). Almost all of what remains is
// that one miss: a page walk and a DRAM read (huge pages for the slots, e.g.
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 where THP is in madvise mode, gave another +30%).
//
// Capacity is any whole number, not a power of two: the home slot is the 32-bit hash scaled to
// [0, capacity) (multiply, not modulo). That lets the table grow by 1.5× and keep the load
// between 0.53 and 0.8, i.e. 20 to 30 bytes a slot-held entry at every size, where power-of-two
// growth would swing between 20 and 43.
//
// Deletion shifts later members of the probe run back (no tombstones), so a lookup for an absent
// key stops at the first free slot. A free slot is one whose EXPIRY word is 0 (FREE); the owner
// never stores 0 there for a live entry.
import { hashWords } from './numeric-key.ts';

/** Words per slot, and their offsets within it. */
export const SLOT_WORDS = 4;
export const LOW = 0; // key low 32 bits
export const HIGH_LENGTH = 1; // key high 8 bits (KEY_HIGH_MASK) | owner-defined upper 24 bits
export const EXPIRY = 2; // owner-defined, never FREE for an occupied slot
export const REF = 3; // owner-defined (the value or its reference)
/** The key's bits in the HIGH_LENGTH word (keys are below 2^40, numeric-key.ts). */
export const KEY_HIGH_MASK = 0xff;
/** The EXPIRY word of a free slot. */
export const FREE = 0;

const MIN_CAPACITY = 64;
const MAX_LOAD = 0.8;
const GROWTH = 1.5;
/** Below this load a table larger than MIN_CAPACITY is rebuilt at TARGET_LOAD_AFTER_SHRINK. */
const SHRINK_LOAD = 0.2;
const TARGET_LOAD_AFTER_SHRINK = 0.5;
const TWO_32 = 2 ** 32;

export class SlotTable {
  /** The slots; replaced when the table is resized, so read it again after any insert. */
  words: Uint32Array;
  /** Occupied slots. */
  count = 0;
  private capacity: number;
  private scale: number;
  private growAt: number;

  constructor(capacity: number = MIN_CAPACITY) {
    this.capacity = Math.max(MIN_CAPACITY, Math.ceil(capacity));
    this.words = new Uint32Array(this.capacity * SLOT_WORDS);
    this.scale = this.capacity / TWO_32;
    this.growAt = Math.floor(this.capacity * MAX_LOAD);
  }

  get slots(): number {
    return this.capacity;
  }

  /** The key's home slot: its hash scaled to [0, capacity). */
  home(low: number, high: number): number {
    // hash < 2^32, so hash × capacity / 2^32 < capacity, and the rounding of that product can
    // never reach capacity itself (capacity ≪ 2^52 / 2^32 apart)
    return (hashWords(low, high) * this.scale) >>> 0;
  }

  /**
   * The slot holding the key, or, when it is absent, the bitwise complement (~slot, a negative
   * number) of the free slot where the probe stopped: pass that to insert().
   */
  find(low: number, high: number): number {
    const words = this.words;
    const capacity = this.capacity;
    let slot = this.home(low, high);
    for (;;) {
      const w = slot * SLOT_WORDS;
      if (words[w + EXPIRY] === FREE) return ~slot;
      if (words[w + LOW] === low && (words[w + HIGH_LENGTH]! & KEY_HIGH_MASK) === high) return slot;
      slot = slot + 1 === capacity ? 0 : slot + 1;
    }
  }

  /**
   * Stores a new key in the free slot `absent` (find()'s complement for this key) and returns the
   * slot it ended in, which differs when the table had to grow first. `expiry` must not be FREE.
   */
  insert(absent: number, low: number, highLength: number, expiry: number, ref: number): number {
    let slot = ~absent;
    if (this.count + 1 > this.growAt) {
      this.resize(Math.ceil(this.capacity * GROWTH));
      slot = ~this.find(low, highLength & KEY_HIGH_MASK);
    }
    const w = slot * SLOT_WORDS;
    const words = this.words;
    words[w + LOW] = low;
    words[w + HIGH_LENGTH] = highLength;
    words[w + EXPIRY] = expiry;
    words[w + REF] = ref;
    this.count++;
    return slot;
  }

  /**
   * Frees the slot and moves later members of its probe run back so lookups still find them.
   * Only slots at or after `slot` in probe order (up to the run's end) change.
   */
  removeAt(slot: number): void {
    const words = this.words;
    const capacity = this.capacity;
    let hole = slot;
    let next = slot + 1 === capacity ? 0 : slot + 1;
    for (;;) {
      const n = next * SLOT_WORDS;
      if (words[n + EXPIRY] === FREE) break;
      const home = this.home(words[n + LOW]!, words[n + HIGH_LENGTH]! & KEY_HIGH_MASK);
      // the entry may fill the hole unless its home lies cyclically in (hole, next]
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (!stays) {
        const h = hole * SLOT_WORDS;
        words[h + LOW] = words[n + LOW]!;
        words[h + HIGH_LENGTH] = words[n + HIGH_LENGTH]!;
        words[h + EXPIRY] = words[n + EXPIRY]!;
        words[h + REF] = words[n + REF]!;
        hole = next;
      }
      next = next + 1 === capacity ? 0 : next + 1;
    }
    const h = hole * SLOT_WORDS;
    words[h + LOW] = 0;
    words[h + HIGH_LENGTH] = 0;
    words[h + EXPIRY] = FREE;
    words[h + REF] = 0;
    this.count--;
  }

  /** Rebuilds at a smaller capacity once most slots are free; true when it did (slots moved). */
  shrinkIfSparse(): boolean {
    if (this.capacity <= MIN_CAPACITY || this.count >= this.capacity * SHRINK_LOAD) return false;
    this.resize(this.count / TARGET_LOAD_AFTER_SHRINK);
    return true;
  }

  private resize(capacity: number): void {
    const old = this.words;
    this.capacity = Math.max(MIN_CAPACITY, Math.ceil(capacity));
    this.words = new Uint32Array(this.capacity * SLOT_WORDS);
    this.scale = this.capacity / TWO_32;
    this.growAt = Math.floor(this.capacity * MAX_LOAD);
    const words = this.words;
    for (let o = 0; o < old.length; o += SLOT_WORDS) {
      if (old[o + EXPIRY] === FREE) continue;
      let slot = this.home(old[o + LOW]!, old[o + HIGH_LENGTH]! & KEY_HIGH_MASK);
      while (words[slot * SLOT_WORDS + EXPIRY] !== FREE) slot = slot + 1 === this.capacity ? 0 : slot + 1;
      const w = slot * SLOT_WORDS;
      words[w + LOW] = old[o + LOW]!;
      words[w + HIGH_LENGTH] = old[o + HIGH_LENGTH]!;
      words[w + EXPIRY] = old[o + EXPIRY]!;
      words[w + REF] = old[o + REF]!;
    }
  }
}
