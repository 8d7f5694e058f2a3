// TTL table vs a plain Map<string, SourceCheckResult> holding the same results, same process,
// same run: retained bytes per entry (JS heap + ArrayBuffers, after full GCs) and lookups per
// second, at 1M and 10M source ids. DESIGN.md targets: ≤ 32 bytes/entry at 10M, ≥ 2M lookups/s.
import type { SourceCheckResult } from '../../src/domain/types.ts';
import { TtlTable, createAvailabilityCodec } from '../../src/dsl/store/index.ts';
import { measureRetained, settle } from './memory.ts';
import type { BenchOptions, BenchRow } from './types.ts';

export const name = 'ttl-table';
// the 10M-entry Map baseline alone needs a few GiB of heap
export const nodeOptions = ['--max-old-space-size=10240'];

const SENTENCES = [
  'The role ARN does not exist or cannot be assumed by the provisioning service.',
  'The Azure subscription was not found or our service principal cannot read it.',
  'The GCP project was not found or our service account cannot read it.',
];
const PROBES = 2_000_000;
const TTL_MS = 3_600_000;

/** Source ids: distinct, spread out like database ids with gaps. */
function sourceId(i: number): number {
  return 1_000_000 + i * 3 + (i % 3);
}

/** The result stored for entry i: one application; one in ten unavailable. */
function result(i: number): SourceCheckResult {
  const unavailable = i % 10 === 0;
  return {
    statuses: [{
      applicationId: String(500_000 + (i % 4_000_000)),
      status: unavailable ? 'unavailable' : 'available',
      error: unavailable ? SENTENCES[i % SENTENCES.length]! : '',
    }],
  };
}

/** Random existing keys as fresh strings, as keys arrive from Kafka messages. */
function probes(entries: number, seed: number): string[] {
  let state = seed >>> 0;
  const keys = new Array<string>(PROBES);
  for (let i = 0; i < PROBES; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    keys[i] = String(sourceId(state % entries));
  }
  return keys;
}

/** Lookups per second over the probe keys; every lookup must hit. */
function lookupRate(keys: string[], get: (key: string) => SourceCheckResult | undefined): number {
  let found = 0;
  for (let i = 0; i < 100_000; i++) found += get(keys[i]!)?.statuses.length ?? 0; // warm-up (JIT)
  found = 0;
  const start = performance.now();
  for (let i = 0; i < keys.length; i++) found += get(keys[i]!)?.statuses.length ?? 0;
  const seconds = (performance.now() - start) / 1000;
  if (found !== keys.length) throw new Error(`only ${found} of ${keys.length} lookups found their key`);
  return keys.length / seconds;
}

interface Measured { bytesPerEntry: number; lookupsPerSecond: number; putsPerSecond: number; detail: string }

/** Builds, measures and drops one structure; returning only numbers lets the GC take it. */
function measure<S>(entries: number, create: () => S, put: (s: S, key: string, value: SourceCheckResult) => void,
  get: (s: S, key: string) => SourceCheckResult | undefined, detail: (s: S) => string): Measured {
  let putSeconds = 0;
  const built = measureRetained(() => {
    const start = performance.now();
    const structure = create();
    for (let i = 0; i < entries; i++) put(structure, String(sourceId(i)), result(i));
    putSeconds = (performance.now() - start) / 1000;
    return structure;
  });
  const lookupsPerSecond = lookupRate(probes(entries, 1), (key) => get(built.value, key));
  return { bytesPerEntry: built.bytes / entries, lookupsPerSecond, putsPerSecond: entries / putSeconds, detail: detail(built.value) };
}

function measureSize(entries: number): BenchRow[] {
  const label = `ttl-table ${entries / 1_000_000}M`;
  const codec = createAvailabilityCodec({ knownErrors: SENTENCES });
  const now = 1_700_000_000_000;
  const report = (what: string, m: Measured) => console.log(
    `   ${label}: ${what} ${m.bytesPerEntry.toFixed(1)} B/entry${m.detail}, ${Math.round(m.lookupsPerSecond).toLocaleString('en-US')} lookups/s, ${Math.round(m.putsPerSecond).toLocaleString('en-US')} puts/s`,
  );

  const table = measure(
    entries,
    () => new TtlTable<SourceCheckResult>({ name: 'results', ttlMs: TTL_MS, clock: () => now, codec }),
    (t, key, value) => t.put(key, value),
    (t, key) => t.get(key),
    (t) => ` (${(t.allocatedBytes / entries).toFixed(1)} in its typed arrays)`,
  );
  report('table', table);
  settle();
  const map = measure(
    entries,
    () => new Map<string, SourceCheckResult>(),
    (m, key, value) => m.set(key, value),
    (m, key) => m.get(key),
    () => '',
  );
  report('Map', map);
  settle();

  const baselineLabel = 'Map<string, SourceCheckResult>';
  return [
    { benchmark: label, metric: 'retained bytes/entry', value: table.bytesPerEntry, baseline: map.bytesPerEntry, baselineLabel, target: { on: 'value', atMost: 32 } },
    // get() decodes the stored bytes into a fresh SourceCheckResult; the Map hands back its object
    { benchmark: label, metric: 'lookups/s (get + decode)', value: table.lookupsPerSecond, baseline: map.lookupsPerSecond, baselineLabel, target: { on: 'value', atLeast: 2_000_000 } },
    { benchmark: label, metric: 'puts/s (encode + insert)', value: table.putsPerSecond, baseline: map.putsPerSecond, baselineLabel },
  ];
}

export async function run(options: BenchOptions): Promise<BenchRow[]> {
  const sizes = options.quick ? [1_000_000] : [1_000_000, 10_000_000];
  return sizes.flatMap(measureSize);
}
