// The worker's live topology page: the generated diagram with per-node numbers, updated in place.
export { createTopologyPageRoutes, TOPOLOGY_PAGE_PATH, TOPOLOGY_STATS_PATH, type TopologyPageOptions } from './routes.ts';
export { renderLiveSvg, type LiveSvg } from './live-svg.ts';
export { TopologyStats, type NodeStats, type StatsSnapshot, type TopicStats } from './topology-stats.ts';
export { topologyPageHtml, type PageOptions } from './page-html.ts';
