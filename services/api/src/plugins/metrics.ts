import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

const LABELS = ['method', 'route', 'status_code', 'model', 'version'] as const;

/** Prometheus metrics of this app (its own registry, so several apps in one process never collide). */
export default fp(
  async (fastify) => {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });
    const requests = new Counter({
      name: 'ocellus_http_requests_total',
      help: 'HTTP requests by route, status, model and version',
      labelNames: LABELS,
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'ocellus_http_request_duration_seconds',
      help: 'HTTP request latency by route, status, model and version',
      labelNames: LABELS,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    fastify.decorate('metricsRegistry', registry);
    fastify.addHook('onResponse', async (request, reply) => {
      const labels = {
        method: request.method,
        // The route pattern, never the raw URL: unknown paths must not mint new series.
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
        model: request.servedModel?.name ?? '',
        version: request.servedModel ? String(request.servedModel.version) : '',
      };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
    });
  },
  { name: 'ocellus-metrics' },
);
