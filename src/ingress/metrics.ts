// Prometheus metrics of the ingress, registered on a registry the caller owns (so tests and
// several apps in one process never collide on the global one).
import { Counter, Histogram, type Registry } from 'prom-client';

export interface IngressMetrics {
  /** one count per answered request: route (check, recheck, openapi, health, unmatched) and status */
  requests: Counter<'route' | 'status'>;
  /** time to get a record onto its topic: queue = requests | priority, outcome = ok | failed */
  publishSeconds: Histogram<'queue' | 'outcome'>;
}

/**
 * Creates and registers the ingress metrics on `registry`.
 * @example const metrics = createIngressMetrics(registry); createIngressApp({ ..., metrics })
 */
export function createIngressMetrics(registry: Registry): IngressMetrics {
  return {
    requests: new Counter({
      name: 'sources_availability_check_ingress_requests_total',
      help: 'HTTP requests answered by the ingress, by route and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    publishSeconds: new Histogram({
      name: 'sources_availability_check_ingress_publish_seconds',
      help: 'Time to put a check request on its topic',
      labelNames: ['queue', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}
