import type { JobService } from '@ocellus/api';
import { buildApp, type Config, loadConfig, type ModelHost } from '@ocellus/api';
import type { FsRegistry } from '@ocellus/registry';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { testHost } from './families.js';
import { tempRegistry } from './registry.js';

export interface TestApp {
  app: FastifyInstance;
  registry: FsRegistry;
  config: Config;
  close(): Promise<void>;
}

export type ConfigChanges = {
  [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K];
};

/** The app over a fresh temp registry; `seed` publishes models before the app starts (and preloads them). */
export async function testApp(
  options: {
    config?: ConfigChanges;
    env?: Record<string, string>;
    host?: ModelHost;
    seed?: (registry: FsRegistry) => Promise<unknown>;
    /** Receives each log line (pino JSON) at level info and above. */
    logSink?: (line: string) => void;
    /** Opens the app's job service from its config (e.g. `openJobService`); no job routes without it. */
    trainingJobs?: (config: Config, log: FastifyBaseLogger) => Promise<JobService>;
  } = {},
): Promise<TestApp> {
  const { registry, root, cleanup } = await tempRegistry();
  await options.seed?.(registry);
  const base = loadConfig({ OCELLUS_REGISTRY_ROOT: root, ...options.env });
  const changes = options.config ?? {};
  const config: Config = {
    ...base,
    ...(changes as Partial<Config>),
    limits: { ...base.limits, ...changes.limits },
    batching: { ...base.batching, ...changes.batching },
  };
  const { trainingJobs } = options;
  const app = await buildApp({
    config,
    registry,
    modelHost: options.host ?? testHost(),
    logger: options.logSink
      ? { level: 'info', stream: { write: options.logSink } }
      : process.env.TEST_LOG
        ? { level: process.env.TEST_LOG }
        : false,
    ...(trainingJobs ? { trainingJobs: (log: FastifyBaseLogger) => trainingJobs(config, log) } : {}),
  });
  await app.modelsReady();
  return {
    app,
    registry,
    config,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}
