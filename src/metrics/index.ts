// Prometheus metrics of the worker and the cloud checks, and the small HTTP server that serves
// them with the worker's health endpoints and the live topology page.
export { checkLabels, createCheckMetrics, ACCOUNT_CHECKS_METRIC, CHECK_DURATION_METRIC, CHECK_REQUESTS_METRIC, MISSING_PERMISSIONS_METRIC, TRANSIENT_ERROR_LABELS, type CheckLabels, type CheckMetrics } from './check-metrics.ts';
export { registerWorkerMetrics, WORKER_METRIC_NAMES, type CacheNodes, type WorkerMetricsSource } from './worker-metrics.ts';
// the runtimes' lag record, which the worker metrics and the topology page read
export type { PartitionLag } from '../streams/worker-runtime.ts';
export { listenMetricsServer, type MetricsServerOptions, type Probe, type ProbeResult } from './metrics-server.ts';
