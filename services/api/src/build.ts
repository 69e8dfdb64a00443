import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import app, { type AppOptions } from './app.js';
import { requestId } from './plugins/context.js';

export interface BuildOptions extends AppOptions {
  /** pino options for the logger; false (the default) for none. */
  logger?: FastifyServerOptions['logger'];
}

/** Creates the Fastify instance with the service's limits and zod compilers and registers the app. */
export async function buildApp({ logger = false, ...options }: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const fastify = Fastify({
    logger,
    genReqId: requestId,
    bodyLimit: config.limits.bodyLimit,
    handlerTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  await fastify.register(fp(app, { name: 'ocellus' }), options);
  await fastify.ready();
  return fastify;
}
