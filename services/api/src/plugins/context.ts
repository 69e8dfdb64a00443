import { randomUUID } from 'node:crypto';
import type { Registry } from '@ocellus/registry';
import type { FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';

export interface ContextOptions {
  config: Config;
  registry: Registry;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** Honours a caller's `x-request-id` when it is a plain token, otherwise makes one. */
export function requestId(request: { headers: FastifyRequest['headers'] }): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** Shared state of the app (configuration, registry) and the request id echoed to the caller. */
export default fp<ContextOptions>(
  async (fastify, { config, registry }) => {
    fastify.decorate('config', config);
    fastify.decorate('registry', registry);
    fastify.decorateRequest('servedModel', null);
    let closing = false;
    fastify.addHook('preClose', async () => {
      closing = true;
    });
    fastify.addHook('onSend', async (request, reply) => {
      reply.header('x-request-id', request.id);
      // A keep-alive socket left open after the last in-flight reply would hold close() for its whole timeout.
      if (closing) reply.header('connection', 'close');
    });
  },
  { name: 'ocellus-context' },
);
