import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import app, { type AppOptions } from './app.js';
import type { JobService } from './jobs/job-service.js';
import { requestId } from './plugins/context.js';
import { clientErrorHandler, frameworkErrors } from './plugins/errors.js';
import { announcingRegistry, type RegistryEventBus } from './serving/registry-events.js';

export interface BuildOptions extends AppOptions {
  /** pino options for the logger; false (the default) for none. */
  logger?: FastifyServerOptions['logger'];
  /** Registry events shared with other replicas (Redis pub/sub), made with the app's logger; closed with the app. */
  registryEvents?: (log: FastifyBaseLogger) => RegistryEventBus;
  /** Opens the training job service with the app's logger (unless `jobs` is given); closed with the app. */
  trainingJobs?: (log: FastifyBaseLogger) => Promise<JobService>;
}

/** Creates the Fastify instance with the service's limits and zod compilers and registers the app. */
export async function buildApp({
  logger = false,
  registryEvents,
  trainingJobs,
  ...options
}: BuildOptions): Promise<FastifyInstance> {
  const { config } = options;
  const fastify = Fastify({
    logger,
    genReqId: requestId,
    bodyLimit: config.limits.bodyLimit,
    handlerTimeout: config.requestTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    // Node checks those deadlines only every connectionsCheckingInterval (30 s by default) and gives the
    // headers 60 s of their own: a client trickling a request held its socket ~84 s with a 30 s timeout.
    http: {
      headersTimeout: config.requestTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(config.requestTimeoutMs / 4))),
    },
    // A socket silent both ways (a client that stopped reading): past the handler's own timeout reply and
    // past the 15 s heartbeat of job event streams.
    connectionTimeout: Math.max(2 * config.requestTimeoutMs, 60_000),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    frameworkErrors,
  });
  fastify.setValidatorCompiler(validatorCompiler);
  fastify.setSerializerCompiler(serializerCompiler);
  const events = registryEvents?.(fastify.log);
  if (events !== undefined) fastify.addHook('onClose', () => events.close());
  const registry = events === undefined ? options.registry : announcingRegistry(options.registry, events);
  const jobs = options.jobs ?? (await trainingJobs?.(fastify.log));
  await fastify.register(fp(app, { name: 'ocellus' }), { ...options, registry, ...(jobs ? { jobs } : {}) });
  await fastify.ready();
  return fastify;
}
