import { DEFAULT_ALIAS } from '@ocellus/contracts';
import type { RegistryEvent } from '@ocellus/registry';
import fp from 'fastify-plugin';
import { Gauge, Histogram } from 'prom-client';
import { AliasTable } from '../serving/alias-table.js';
import { ModelCache } from '../serving/model-cache.js';
import type { ModelHost } from '../serving/model-host.js';
import { StartupLoads } from '../serving/startup-loads.js';

/**
 * The alias table and the model cache: production versions loaded at start (retried with backoff until
 * they load), alias moves and deletes by any process followed through `registry.watch`, and versions no
 * alias points at evicted when an alias leaves them.
 */
export default fp<{ modelHost: ModelHost }>(
  async (fastify, { modelHost }) => {
    const { registry, config, metricsRegistry } = fastify;
    const batchSizes = new Histogram({
      name: 'ocellus_inference_batch_size',
      help: 'Images per forward pass',
      labelNames: ['model', 'version'],
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
      registers: [metricsRegistry],
    });
    const cache = new ModelCache({
      registry,
      host: modelHost,
      batching: config.batching,
      capacity: config.modelCacheSize,
      onBatch: (model, version, size) => batchSizes.observe({ model, version: String(version) }, size),
    });
    new Gauge({
      name: 'ocellus_inference_queue_depth',
      help: 'Images waiting for a batch',
      labelNames: ['model', 'version'],
      registers: [metricsRegistry],
      collect() {
        this.reset();
        for (const entry of cache.entries()) {
          this.set({ model: entry.name, version: String(entry.version) }, entry.batcher.depth);
        }
      },
    });
    const table = new AliasTable(registry);
    const startup = new StartupLoads(cache, fastify.log);
    fastify.decorate('models', cache);
    fastify.decorate('aliases', table);

    const production = () => table.aliasedVersions().filter((a) => a.alias === DEFAULT_ALIAS);
    const follow = () => {
      cache.setPinned(table.aliasedVersions());
      startup.want(production());
    };

    const onEvent = async (event: RegistryEvent) => {
      fastify.log.info({ event }, 'registry changed');
      await table.refresh(event.name);
      follow();
      if (event.kind === 'deleted') {
        cache.evict(event.name, event.version);
        return;
      }
      if (event.kind !== 'alias') return;
      const evicted = cache.retain(event.name, new Set(table.aliasesOf(event.name).values()));
      if (evicted.length > 0) fastify.log.info({ model: event.name, evicted }, 'unaliased versions evicted');
    };
    const unwatch = registry.watch((event) => {
      onEvent(event).catch((error: Error) =>
        fastify.log.warn({ event, reason: error.message }, 'registry event'),
      );
    });

    const preload = table.refreshAll().then(
      async () => {
        follow();
        await startup.settled();
      },
      (error: Error) => fastify.log.warn({ reason: error.message }, 'registry not readable at start'),
    );

    fastify.decorate('modelsReady', async () => {
      await preload;
      return production().every(({ name, version }) => cache.peek(name, version) !== undefined);
    });

    fastify.addHook('onClose', async () => {
      unwatch();
      startup.stop();
      await preload;
      for (const entry of cache.entries()) cache.evict(entry.name, entry.version);
      await modelHost.close();
    });
  },
  { name: 'ocellus-models', dependencies: ['ocellus-context', 'ocellus-metrics'] },
);
