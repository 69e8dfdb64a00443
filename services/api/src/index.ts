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
export { AliasTable } from './serving/alias-table.js';
export { type BatcherOptions, DynamicBatcher, OverloadedError } from './serving/batcher.js';
export { inProcessHost } from './serving/in-process-host.js';
export { type LoadedModel, ModelCache, ModelLoadError } from './serving/model-cache.js';
export { familyFactory, type ModelFactory } from './serving/model-calls.js';
export {
  type HostedModel,
  type ModelHost,
  type NamedTensor,
  ResourceExhaustedError,
} from './serving/model-host.js';
export {
  announcingRegistry,
  type RedisEventBusOptions,
  type RegistryEventBus,
  redisEventBus,
} from './serving/registry-events.js';
export { type ThreadHostOptions, threadHost } from './serving/thread-host.js';
export { ArtifactCorruptError, openVerifiedWeights } from './serving/verified-weights.js';

import './types.js';
