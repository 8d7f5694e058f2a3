// The live topology page's two routes, for the worker's metrics server: GET /topology (the page)
// and GET /topology/stats (the JSON it polls).
import type { RequestHandler } from 'express';
import type { Topology } from '../streams/dsl/topology.ts';
import type { PartitionLag } from '../metrics/index.ts';
import type { TopologyObserver } from '../streams/task/index.ts';
import { renderLiveSvg } from './live-svg.ts';
import { topologyPageHtml } from './page-html.ts';
import { TopologyStats } from './topology-stats.ts';

export const TOPOLOGY_PAGE_PATH = '/topology';
export const TOPOLOGY_STATS_PATH = '/topology/stats';

export interface TopologyPageOptions {
  topology: Topology;
  observer: TopologyObserver;
  lag(): readonly PartitionLag[];
  /** page heading; default the topology's application id */
  title?: string;
  /** how often the page polls, default 1000 ms */
  pollMs?: number;
}

/**
 * Renders the diagram once (WASM Graphviz) and returns the routes by path.
 * @example const routes = await createTopologyPageRoutes({ topology, observer: runtime.observer, lag: () => runtime.lag() });
 */
export async function createTopologyPageRoutes(options: TopologyPageOptions): Promise<Record<string, RequestHandler>> {
  const { svg, nodeIds, topicIds } = await renderLiveSvg(options.topology);
  const html = topologyPageHtml({ title: options.title ?? options.topology.applicationId, svg, statsPath: TOPOLOGY_STATS_PATH, pollMs: options.pollMs ?? 1000 });
  const stats = new TopologyStats({ observer: options.observer, nodeIds, topicIds, lag: () => options.lag() });
  return {
    [TOPOLOGY_PAGE_PATH]: (_req, res) => {
      res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).type('html').send(html);
    },
    [TOPOLOGY_STATS_PATH]: (_req, res) => {
      res.set('Cache-Control', 'no-store').json(stats.snapshot());
    },
  };
}
