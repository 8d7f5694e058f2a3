// The slot table on its own: find/insert/removeAt against a Map, through growth, shrinking and
// probe runs that wrap around the end of the array; and the memory bound its growth policy keeps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { EXPIRY, FREE, HIGH_LENGTH, LOW, REF, SLOT_WORDS, SlotTable } from '../../../src/streams/store/slot-table.ts';
import { highWord, lowWord } from '../../../src/streams/store/numeric-key.ts';

/** Puts n (with a payload) in the table; returns its slot. */
function put(table: SlotTable, n: number, payload: number): number {
  const found = table.find(lowWord(n), highWord(n));
  if (found >= 0) {
    table.words[found * SLOT_WORDS + REF] = payload;
    return found;
  }
  return table.insert(found, lowWord(n), highWord(n), 7, payload);
}

function payloadOf(table: SlotTable, n: number): number | undefined {
  const slot = table.find(lowWord(n), highWord(n));
  return slot < 0 ? undefined : table.words[slot * SLOT_WORDS + REF];
}

function remove(table: SlotTable, n: number): boolean {
  const slot = table.find(lowWord(n), highWord(n));
  if (slot < 0) return false;
  table.removeAt(slot);
  return true;
}

function occupied(table: SlotTable): number {
  let count = 0;
  for (let w = 0; w < table.words.length; w += SLOT_WORDS) if (table.words[w + EXPIRY] !== FREE) count++;
  return count;
}

test('agrees with a Map under random puts and removes (growth, back-shifts, shrinking)', () => {
  const op = fc.record({ remove: fc.boolean(), key: fc.oneof(fc.nat(300), fc.integer({ min: 0, max: 2 ** 40 - 1 })), payload: fc.nat() });
  fc.assert(fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
    const table = new SlotTable();
    const model = new Map<number, number>();
    for (const { remove: isRemove, key, payload } of ops) {
      if (isRemove) {
        assert.is(remove(table, key), model.delete(key));
        table.shrinkIfSparse();
      } else {
        put(table, key, payload);
        model.set(key, payload);
      }
    }
    assert.is(table.count, model.size);
    assert.is(occupied(table), model.size);
    for (const [key, payload] of model) assert.is(payloadOf(table, key), payload);
    for (let k = 0; k < 300; k++) if (!model.has(k)) assert.is(payloadOf(table, k), undefined);
  }));
});

test('probe runs that wrap past the last slot are found, and removing from them keeps the rest reachable', () => {
  const table = new SlotTable();
  const last = table.slots - 1;
  // keys whose home is one of the last two slots: their runs spill over to slot 0 and beyond
  const keys: number[] = [];
  for (let n = 0; keys.length < 6; n++) if (table.home(lowWord(n), 0) >= last - 1) keys.push(n);
  keys.forEach((n, i) => put(table, n, 100 + i));
  const slots = keys.map((n) => table.find(lowWord(n), 0));
  assert.ok(slots.some((s) => s < last - 1), `a run wrapped to the start: slots ${slots.join(', ')}`);
  for (const [i, n] of keys.entries()) {
    assert.ok(remove(table, n));
    for (const [j, m] of keys.entries()) assert.is(payloadOf(table, m), j <= i ? undefined : 100 + j, `after removing ${i}, key ${j}`);
  }
  assert.is(occupied(table), 0);
});

test('a free slot is all zeros and keys with equal low words but different high words are distinct', () => {
  const table = new SlotTable();
  put(table, 5, 1);
  put(table, 5 + 2 ** 32, 2);
  assert.is(payloadOf(table, 5), 1);
  assert.is(payloadOf(table, 5 + 2 ** 32), 2);
  assert.ok(remove(table, 5));
  assert.is(payloadOf(table, 5 + 2 ** 32), 2);
  const slot = table.find(lowWord(5), 0);
  assert.ok(slot < 0);
  const w = ~slot * SLOT_WORDS;
  assert.equal([table.words[w + LOW], table.words[w + HIGH_LENGTH], table.words[w + EXPIRY], table.words[w + REF]], [0, 0, FREE, 0]);
});

test('growth by 1.5x at load 0.8 keeps 16 bytes a slot between 20 and 30 bytes an entry at every size', () => {
  const table = new SlotTable();
  for (let n = 1; n <= 200_000; n++) {
    put(table, n * 7919, n);
    if (n >= 1000) {
      const perEntry = table.words.byteLength / n;
      if (perEntry < 20 || perEntry > 30.1) assert.unreachable(`${perEntry.toFixed(2)} bytes an entry at ${n} entries`);
    }
  }
});

test('a table emptied by removals shrinks back', () => {
  const table = new SlotTable();
  for (let n = 0; n < 50_000; n++) put(table, n, n);
  const full = table.words.byteLength;
  for (let n = 0; n < 49_900; n++) {
    remove(table, n);
    table.shrinkIfSparse();
  }
  assert.ok(table.words.byteLength < full / 50, `${table.words.byteLength} bytes for 100 entries (was ${full})`);
  for (let n = 49_900; n < 50_000; n++) assert.is(payloadOf(table, n), n);
});

test.run();
