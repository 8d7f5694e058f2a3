// Every topology the project defines, by name: what the CLI describes and draws, and what
// `make diagrams` writes next to each definition (NAME.topology.txt, .mmd, .dot, .svg).
// Building a topology runs nothing, so the slow steps' functions are never called here; the ones
// given to the builders below refuse to run, because a diagram-only build must never do I/O.
import path from 'node:path';
import type { Topology } from '../src/streams/dsl/index.ts';
import { DEFAULT_TOPICS } from '../src/contract/index.ts';
import { buildAvailabilityTopology } from './availability-check.ts';
import { buildTopology as buildCachedCheck } from './examples/cached-check.ts';
import { buildTopology as buildOrderRouting } from './examples/order-routing.ts';

export interface TopologyEntry {
  name: string;
  /** directory the generated diagrams are written to */
  dir: string;
  build(): Topology;
}

const here = import.meta.dirname;

function notRunnable(what: string): never {
  throw new Error(`${what}: this topology was built for its description only and cannot run`);
}

export const TOPOLOGIES: readonly TopologyEntry[] = Object.freeze([
  {
    name: 'availability-check',
    dir: here,
    build: () => buildAvailabilityTopology({
      topics: DEFAULT_TOPICS,
      ttlMs: 3_600_000,
      concurrency: 1,
      sourceTimeoutMs: 1,
      retry: {},
      services: {
        findApplications: async () => notRunnable('availability-check'),
        checkApplications: async () => notRunnable('availability-check'),
      },
    }),
  },
  { name: 'order-routing', dir: path.join(here, 'examples'), build: () => buildOrderRouting() },
  { name: 'cached-check', dir: path.join(here, 'examples'), build: () => buildCachedCheck({ check: async () => notRunnable('cached-check') }) },
]);

export function findTopology(name: string): TopologyEntry {
  const entry = TOPOLOGIES.find((t) => t.name === name);
  if (!entry) throw new Error(`unknown topology "${name}"; known: ${TOPOLOGIES.map((t) => t.name).join(', ')}`);
  return entry;
}
