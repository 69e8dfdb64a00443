import type { FastifyPluginAsync } from 'fastify';

/** `GET /metrics` in the Prometheus text format. */
const metricsRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(fastify.metricsRegistry.contentType).send(await fastify.metricsRegistry.metrics()),
  );
};

export default metricsRoutes;
