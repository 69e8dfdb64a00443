export type { AppOptions } from './app.js';
export { type BuildOptions, buildApp } from './build.js';
export {
  type Config,
  ConfigError,
  DEFAULT_REGISTRY_ROOT,
  isLoopback,
  LIMIT_SETTINGS,
  loadConfig,
} from './config.js';
export { ApiError } from './errors.js';
export { type CancelResult, type JobLauncher, JobService } from './jobs/job-service.js';
export { openJobService } from './jobs/open-jobs.js';
export { visionModelFactory } from './model-factory.js';
export * from './model-port.js';
export { type BatcherOptions, DynamicBatcher, OverloadedError } from './serving/batcher.js';
export { scaledMaskRle } from './serving/masks.js';
export { type LoadedModel, ModelCache, ModelLoadError } from './serving/model-cache.js';
export { pingRedis } from './serving/redis-ping.js';
export {
  announcingRegistry,
  type RedisEventBusOptions,
  type RegistryEventBus,
  redisEventBus,
} from './serving/registry-events.js';

import './types.js';
