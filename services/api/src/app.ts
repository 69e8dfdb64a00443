import type { Registry } from '@ocellus/registry';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from './config.js';
import type { JobService } from './jobs/job-service.js';
import jobsPlugin from './jobs/plugin.js';
import admissionPlugin from './plugins/admission.js';
import authPlugin from './plugins/auth.js';
import contextPlugin from './plugins/context.js';
import datasetsPlugin from './plugins/datasets.js';
import errorsPlugin from './plugins/errors.js';
import jsonBodyPlugin from './plugins/json-body.js';
import metricsPlugin from './plugins/metrics.js';
import modelsPlugin from './plugins/models.js';
import swaggerPlugin from './plugins/swagger.js';
import uploadsPlugin from './plugins/uploads.js';
import consoleRoutes from './routes/console/index.js';
import datasetRoutes from './routes/datasets/index.js';
import inferenceRoutes from './routes/inference/index.js';
import jobRoutes from './routes/jobs/index.js';
import metricsRoutes from './routes/metrics/index.js';
import modelRoutes from './routes/models/index.js';
import oipRoutes from './routes/oip/index.js';
import type { ModelHost } from './serving/model-host.js';
import './types.js';

export interface AppOptions {
  config: Config;
  registry: Registry;
  /** Where forward passes run: `threadHost()` in the service, `inProcessHost(factory)` in tests. */
  modelHost: ModelHost;
  /** Training jobs; without it the job routes are not served. */
  jobs?: JobService;
}

/** The service as a plugin: external plugins, then the app's own, then one plugin per resource. */
const app: FastifyPluginAsync<AppOptions> = async (fastify, { config, registry, modelHost, jobs }) => {
  await fastify.register(swaggerPlugin);
  await fastify.register(uploadsPlugin, { limits: config.limits });
  await fastify.register(jsonBodyPlugin, { limits: config.limits });
  await fastify.register(contextPlugin, { config, registry });
  await fastify.register(datasetsPlugin);
  await fastify.register(errorsPlugin);
  await fastify.register(metricsPlugin);
  await fastify.register(admissionPlugin);
  await fastify.register(authPlugin);
  await fastify.register(modelsPlugin, { modelHost });
  if (jobs) await fastify.register(jobsPlugin, { jobs });

  await fastify.register(inferenceRoutes);
  await fastify.register(modelRoutes);
  await fastify.register(datasetRoutes);
  await fastify.register(oipRoutes);
  await fastify.register(metricsRoutes);
  if (jobs) await fastify.register(jobRoutes);
  await fastify.register(consoleRoutes);
};

export default app;
