import type { FastifyInstance } from 'fastify';

/**
 * The queue part of readiness (API.md: ready also means the queue backend is reachable): a PING, bounded,
 * on the job service's own Redis connections, so a check opens no connection; true when there is no queue.
 */
export function queueReady(fastify: FastifyInstance): Promise<boolean> {
  return fastify.hasDecorator('jobs') ? fastify.jobs.ready() : Promise.resolve(true);
}
