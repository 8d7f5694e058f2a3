// Source ids are strings of digits. Those that are canonical decimals (no leading zero) below
// 2^40 are kept as two typed-array words (low 32 bits, high 8 bits) instead of a JS string; the
// canonical form makes `String(n)` give back exactly the original key. Anything else (leading
// zeros, signs, letters, larger numbers) is not numeric here and goes to the table's side map.
// 2^40 (about 1.1e12) is far above any id Sources has handed out; the 8 bits it leaves free in
// the key's high word hold one more byte of an inline value (see ttl-table.ts).
/** Keys at or above this stay strings: 40 bits fit in a Uint32 word plus 8 bits of another. */
export const NUMERIC_KEY_LIMIT = 2 ** 40;
const TWO_32 = 2 ** 32;

/** The key as a number, or -1 when it is not a canonical decimal below NUMERIC_KEY_LIMIT. */
export function parseNumericKey(key: string): number {
  const length = key.length;
  // 2^40 has 13 digits; anything up to 15 digits is still exact in a double, so the limit check below is exact
  if (length === 0 || length > 15) return -1;
  if (length > 1 && key.charCodeAt(0) === 48) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const digit = key.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value < NUMERIC_KEY_LIMIT ? value : -1;
}

// ToUint32 is "modulo 2^32" for any integer, and avoids the floating-point remainder `%` costs.
export function lowWord(value: number): number {
  return value >>> 0;
}

export function highWord(value: number): number {
  return (value - (value >>> 0)) / TWO_32;
}

export function joinWords(low: number, high: number): number {
  return high * TWO_32 + low;
}

/** murmur3's 32-bit finaliser over the two words: sequential ids spread over all slots. */
export function hashWords(low: number, high: number): number {
  let h = low ^ Math.imul(high, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
