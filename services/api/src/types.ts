import type { DatasetStore } from '@ocellus/datasets';
import type { Registry } from '@ocellus/registry';
import type { Registry as MetricsRegistry } from 'prom-client';
import type { Config } from './config.js';
import type { AliasTable } from './serving/alias-table.js';
import type { ModelCache } from './serving/model-cache.js';

/** Route access: `admin` needs an admin key when keys are configured; `inference` an inference or admin key. */
export type RouteAuth = 'admin' | 'inference';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    registry: Registry;
    /** Uploaded datasets, versioned like models. */
    datasets: DatasetStore;
    models: ModelCache;
    /** Names, versions, manifests and aliases in memory (requests read no registry file). */
    aliases: AliasTable;
    metricsRegistry: MetricsRegistry;
    /** True once every model's `production` version is loaded. */
    modelsReady(): Promise<boolean>;
  }
  interface FastifyRequest {
    /** The model version a request was served by, for metrics labels. */
    servedModel: { name: string; version: number } | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
}
