// The TTL table against a reference model (a Map of {value, writtenAt} with the same clock), plus
// the properties the model cannot show on its own: exact expiry at the boundary, odd keys
// round-tripping, rebasing over long clock jumps, option and record validation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { StoreChange } from '../../../src/streams/dsl/store-ref.ts';
import { MAX_TTL_MS, StoreError, TtlTable, jsonValueCodec } from '../../../src/streams/store/index.ts';

const ODD_KEYS = [
  '0', '00', '007', '1', '42', '-1', '+1', ' 1', '1 ', '1e3', '1.0', '0x1F', '', 'abc', 'ü', '源', '\u0000',
  '4294967295', '4294967296', '65535', '65536', '1099511627775', '1099511627776', '281474976710655', '281474976710656',
  '9007199254740991', '9007199254740993', '99999999999999999999', '123456789012345',
];

function setup(ttlMs: number, start = 1_700_000_000_000) {
  let now = start;
  const table = new TtlTable<unknown>({ name: 'results', ttlMs, clock: () => now, codec: jsonValueCodec });
  return { table, advance: (ms: number) => (now += ms), at: (t: number) => (now = t), now: () => now };
}

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, StoreError);
    assert.is((err as StoreError).code, code);
    return;
  }
  assert.unreachable(`expected ${code}`);
}

// ---- the model ------------------------------------------------------------------------------

type Command =
  | { kind: 'put'; key: string; value: number }
  | { kind: 'putMany'; from: number; count: number; value: number }
  | { kind: 'get'; key: string }
  | { kind: 'delete'; key: string }
  | { kind: 'advance'; ms: number }
  | { kind: 'purge'; limit: number | undefined }
  | { kind: 'restore'; key: string; value: number | null; age: number };

const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.nat(3000).map(String) },
  { weight: 1, arbitrary: fc.constantFrom(...ODD_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

function commandArb(ttlMs: number): fc.Arbitrary<Command> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), key: keyArb, value: fc.integer() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('putMany' as const), from: fc.nat(3000), count: fc.integer({ min: 1, max: 700 }), value: fc.integer() }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('get' as const), key: keyArb }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keyArb }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        // mostly around the TTL, sometimes far enough to force a rebase of the expiry words
        ms: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: ttlMs * 2 }) }, { weight: 1, arbitrary: fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 32 + 7) }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('purge' as const), limit: fc.option(fc.nat(40), { nil: undefined }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('restore' as const),
        key: keyArb,
        value: fc.option(fc.integer(), { nil: null }),
        // how long ago the record was written; negative = stamped ahead of our clock
        age: fc.integer({ min: -ttlMs, max: ttlMs * 2 }),
      }),
    },
  );
}

interface ModelEntry { value: number; writtenAt: number }

function runModel(ttlMs: number, commands: Command[]): void {
  const { table, advance, now } = setup(ttlMs);
  const model = new Map<string, ModelEntry>();
  const live = (key: string) => {
    const entry = model.get(key);
    return entry !== undefined && now() < entry.writtenAt + ttlMs ? entry.value : undefined;
  };
  const put = (key: string, value: number) => {
    const change = table.put(key, value);
    assert.equal({ key: change.key, timestamp: change.timestamp }, { key, timestamp: now() });
    assert.equal(jsonValueCodec.decode(change.value!), value);
    model.set(key, { value, writtenAt: now() });
  };
  for (const command of commands) {
    switch (command.kind) {
      case 'put':
        put(command.key, command.value);
        break;
      case 'putMany':
        for (let i = 0; i < command.count; i++) put(String(command.from + i), command.value + i);
        break;
      case 'get':
        assert.is(table.get(command.key), live(command.key), `get(${JSON.stringify(command.key)})`);
        break;
      case 'delete': {
        const change = table.delete(command.key);
        const held = model.delete(command.key);
        assert.equal(change, held ? { key: command.key, value: null, timestamp: now() } : undefined);
        break;
      }
      case 'advance':
        advance(command.ms);
        break;
      case 'purge': {
        const expired = [...model.keys()].filter((key) => live(key) === undefined);
        const tombstones = table.purgeExpired(command.limit);
        const keys = tombstones.map((t) => t.key);
        assert.is(new Set(keys).size, keys.length, 'no key purged twice');
        assert.is(keys.length, Math.min(command.limit ?? Infinity, expired.length), 'fewer than the limit only when nothing expired is left');
        for (const tombstone of tombstones) {
          assert.ok(expired.includes(tombstone.key), `purged ${tombstone.key} was expired`);
          assert.equal(tombstone, { key: tombstone.key, value: null, timestamp: now() });
          model.delete(tombstone.key);
        }
        break;
      }
      case 'restore': {
        const timestamp = now() - command.age;
        const value = command.value === null ? null : jsonValueCodec.encode(command.value);
        table.restore({ key: command.key, value, timestamp });
        if (command.value === null || timestamp + ttlMs <= now()) model.delete(command.key);
        else model.set(command.key, { value: command.value, writtenAt: timestamp });
        break;
      }
    }
    assert.is(table.size, model.size, 'size');
  }
  // every key the model knows, and a sample it does not, reads the same from both
  for (const key of [...model.keys(), ...ODD_KEYS, '3001', '2999']) assert.is(table.get(key), live(key), `final get(${JSON.stringify(key)})`);
}

test('behaves like a Map with timestamps under random put/get/delete/advance/purge/restore', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1000 }).chain((ttlMs) => fc.tuple(fc.constant(ttlMs), fc.array(commandArb(ttlMs), { maxLength: 120 }))),
      ([ttlMs, commands]) => runModel(ttlMs, commands),
    ),
    { numRuns: 300 },
  );
});

// ---- targeted properties --------------------------------------------------------------------

test('an entry is visible until written + ttl - 1 ms and gone exactly at written + ttl', () => {
  for (const ttlMs of [1, 999, 1000, 1001, 3_600_000, MAX_TTL_MS]) {
    for (const key of ['463243', 'not-a-number']) {
      const { table, at } = setup(ttlMs, 1_700_000_000_123);
      table.put(key, 'v');
      at(1_700_000_000_123 + ttlMs - 1);
      assert.is(table.get(key), 'v', `ttl ${ttlMs}, key ${key}: still there 1 ms before`);
      assert.equal(table.purgeExpired(), []);
      at(1_700_000_000_123 + ttlMs);
      assert.is(table.get(key), undefined, `ttl ${ttlMs}, key ${key}: gone at the boundary`);
      assert.equal(table.purgeExpired().map((t) => t.key), [key]);
    }
  }
});

test('fractional clock values are floored to whole milliseconds', () => {
  let now = 1000.9;
  const table = new TtlTable<unknown>({ name: 't', ttlMs: 10, clock: () => now, codec: jsonValueCodec });
  assert.is(table.put('1', 1).timestamp, 1000);
  now = 1009.99;
  assert.is(table.get('1'), 1);
  now = 1010;
  assert.is(table.get('1'), undefined);
});

test('expiry stays exact across rebases after long clock jumps', () => {
  const { table, advance } = setup(1000);
  table.put('1', 'a');
  advance(900);
  table.put('2', 'b');
  advance(2 ** 32); // the next write cannot express its expiry from the old base
  table.put('3', 'c');
  assert.is(table.get('1'), undefined);
  assert.is(table.get('2'), undefined);
  assert.is(table.get('3'), 'c');
  advance(999);
  assert.is(table.get('3'), 'c');
  advance(1);
  assert.is(table.get('3'), undefined);
  assert.equal(table.purgeExpired().map((t) => t.key).sort(), ['1', '2', '3']);
});

test('a clock stepping back keeps entries exact (written entries do not expire early)', () => {
  const { table, advance } = setup(100);
  table.put('1', 'a');
  advance(-5000); // well below the base: the next write rebases downward
  table.put('2', 'b');
  assert.is(table.get('1'), 'a');
  advance(5099);
  assert.is(table.get('1'), 'a');
  advance(1);
  assert.is(table.get('1'), undefined);
  assert.is(table.get('2'), undefined);
});

test('odd keys round-trip exactly through put, purge tombstones and restore', () => {
  const { table, advance } = setup(50);
  for (const key of ODD_KEYS) table.put(key, key);
  for (const key of ODD_KEYS) assert.is(table.get(key), key);
  assert.is(table.get('7'), undefined, '007 is not 7');
  assert.is(table.get('9007199254740992'), undefined, 'no rounding of 2^53 + 1 to 2^53');
  advance(50);
  assert.equal(table.purgeExpired().map((t) => t.key).sort(), [...ODD_KEYS].sort());
  assert.is(table.size, 0);
});

test('a table rebuilt from the changelog answers like the original', () => {
  const { table, advance, now } = setup(1000);
  const changelog: StoreChange[] = [];
  for (let i = 0; i < 5000; i++) {
    changelog.push(table.put(String(i * 7919), i));
    if (i % 10 === 0) advance(1);
  }
  for (let i = 0; i < 5000; i += 3) changelog.push(table.delete(String(i * 7919))!);
  advance(600);
  changelog.push(...table.purgeExpired());
  const copy = new TtlTable<unknown>({ name: 'results', ttlMs: 1000, clock: now, codec: jsonValueCodec });
  for (const change of changelog) copy.restore(change);
  assert.is(copy.size, table.size);
  for (let i = 0; i < 5000; i++) assert.is(copy.get(String(i * 7919)), table.get(String(i * 7919)));
});

test('restore drops records already past their TTL, and removes the key they supersede', () => {
  const { table, now } = setup(100);
  table.put('5', 'old');
  table.restore({ key: '5', value: jsonValueCodec.encode('stale'), timestamp: now() - 100 });
  assert.is(table.get('5'), undefined);
  assert.is(table.size, 0);
  table.restore({ key: '5', value: jsonValueCodec.encode('fresh'), timestamp: now() - 99 });
  assert.is(table.get('5'), 'fresh');
  table.restore({ key: '5', value: null, timestamp: now() });
  assert.is(table.size, 0);
});

test('the table copies record bytes (a reused buffer does not change the table)', () => {
  const { table, now } = setup(100);
  for (const key of ['1', 'side-map-key']) {
    const bytes = jsonValueCodec.encode('yes');
    table.restore({ key, value: bytes, timestamp: now() });
    bytes.fill(0x20);
    assert.is(table.get(key), 'yes');
    table.put(key, 'again').value!.fill(0x20);
    assert.is(table.get(key), 'again');
  }
});

test('overwrites and deletes keep memory bounded (the value arena compacts)', () => {
  const { table } = setup(1_000_000);
  for (let i = 0; i < 2000; i++) table.put(String(i), 'x'.repeat(100));
  const settled = table.allocatedBytes;
  for (let round = 0; round < 30; round++) for (let i = 0; i < 2000; i++) table.put(String(i), 'y'.repeat(100));
  assert.ok(table.allocatedBytes < settled * 2, `${table.allocatedBytes} bytes after rewrites vs ${settled}`);
  for (let i = 0; i < 2000; i++) assert.is(table.get(String(i)), 'y'.repeat(100));
});

test('limited purges resume where they stopped and eventually cover the table', () => {
  const { table, advance } = setup(10);
  for (let i = 0; i < 1000; i++) {
    table.put(String(i), i);
    if (i % 2 === 0) advance(10); // every other write expires the previous ones
  }
  const live = table.size - table.purgeExpired(0).length;
  let purged = 0;
  for (let batch = table.purgeExpired(7); batch.length > 0; batch = table.purgeExpired(7)) {
    assert.ok(batch.length <= 7);
    purged += batch.length;
  }
  assert.is(live, 1000);
  assert.is(table.size, 1000 - purged);
  assert.equal(table.purgeExpired(), []);
});

test('values of every short length round-trip (inline in the entry or in the arena)', () => {
  const identity = { encode: (v: Uint8Array) => v, decode: (b: Uint8Array) => Uint8Array.from(b) };
  const table = new TtlTable<Uint8Array>({ name: 'bytes', ttlMs: 1000, clock: () => 0, codec: identity });
  const values = Array.from({ length: 10 }, (_, n) => Uint8Array.from({ length: n }, (_, k) => (k % 2 === 0 ? 0xff : k)));
  values.forEach((v, n) => table.put(String(n), v));
  values.forEach((v, n) => assert.equal(Array.from(table.get(String(n))!), Array.from(v), `length ${n}`));
  values.forEach((v, n) => table.put(String(n), values[9 - n]!)); // inline ↔ arena on overwrite
  values.forEach((v, n) => assert.equal(Array.from(table.get(String(n))!), Array.from(values[9 - n]!), `overwritten, length ${9 - n}`));
});

test('values of up to five bytes stay in the entry: no arena memory, and they read back whole', () => {
  const identity = { encode: (v: Uint8Array) => v, decode: (b: Uint8Array) => Uint8Array.from(b) };
  const filled = (length: number) => {
    const table = new TtlTable<Uint8Array>({ name: 'bytes', ttlMs: 1000, clock: () => 0, codec: identity });
    for (let i = 0; i < 1000; i++) table.put(String(i), Uint8Array.from({ length }, (_, k) => (i + k * 31) & 0xff));
    for (let i = 0; i < 1000; i++) assert.equal(Array.from(table.get(String(i))!), Array.from({ length }, (_, k) => (i + k * 31) & 0xff));
    return table.allocatedBytes;
  };
  assert.is(filled(5), filled(0), 'five-byte values cost nothing beyond the entries');
  assert.ok(filled(6) > filled(5), 'six-byte values go to the arena');
});

test('a value too large for the table is refused and leaves the entry as it was', () => {
  const { table } = setup(1000);
  table.put('1', 'small');
  table.put('key', 'small');
  expectCode(() => table.put('1', 'x'.repeat(70_000)), 'STORE_VALUE_TOO_LARGE');
  expectCode(() => table.put('key', 'x'.repeat(70_000)), 'STORE_VALUE_TOO_LARGE');
  assert.is(table.get('1'), 'small');
  assert.is(table.get('key'), 'small');
  table.put('1', 'y'.repeat(60_000));
  assert.is(table.get('1'), 'y'.repeat(60_000), 'values past the scratch buffer size read back whole');
});

test('stress: 60k random puts and deletes over 5k ids agree with a Map (index growth, back-shifts, wrap-around)', () => {
  const { table } = setup(1_000_000);
  const reference = new Map<string, number>();
  let seed = 12345;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let op = 0; op < 60_000; op++) {
    const key = String(next() % 5000);
    if (next() % 3 === 0) {
      assert.is(table.delete(key) !== undefined, reference.delete(key), `delete ${key}`);
    } else {
      table.put(key, op);
      reference.set(key, op);
    }
    if (op % 5000 === 0) for (const [k, v] of reference) assert.is(table.get(k), v);
  }
  assert.is(table.size, reference.size);
  for (let k = 0; k < 5000; k++) assert.is(table.get(String(k)), reference.get(String(k)));
});

test('bad options, keys, records and clocks fail with a clear error', () => {
  const ok = { name: 't', ttlMs: 10, clock: () => 0, codec: jsonValueCodec };
  expectCode(() => new TtlTable({ ...ok, name: '' }), 'STORE_INVALID_OPTIONS');
  expectCode(() => new TtlTable({ ...ok, ttlMs: 0 }), 'STORE_INVALID_OPTIONS');
  expectCode(() => new TtlTable({ ...ok, ttlMs: 1.5 }), 'STORE_INVALID_OPTIONS');
  expectCode(() => new TtlTable({ ...ok, ttlMs: MAX_TTL_MS + 1 }), 'STORE_INVALID_OPTIONS');
  expectCode(() => new TtlTable({ ...ok, codec: {} as never }), 'STORE_INVALID_OPTIONS');
  expectCode(() => new TtlTable({ ...ok, clock: () => Number.NaN }), 'STORE_BAD_CLOCK');
  const table = new TtlTable(ok);
  expectCode(() => table.get(42 as unknown as string), 'STORE_INVALID_KEY');
  expectCode(() => table.put('1', undefined), 'STORE_CODEC_ENCODE');
  expectCode(() => table.purgeExpired(-1), 'STORE_INVALID_OPTIONS');
  expectCode(() => table.restore({ key: '1', value: 'x' as never, timestamp: 0 }), 'STORE_INVALID_CHANGE');
  expectCode(() => table.restore({ key: '1', value: null, timestamp: Number.NaN }), 'STORE_INVALID_CHANGE');
  table.restore({ key: '1', value: new Uint8Array([0xff]), timestamp: 0 });
  expectCode(() => table.get('1'), 'STORE_CODEC_DECODE');
});

test.run();
