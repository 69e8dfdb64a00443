import { DEFAULT_ALIAS } from '@ocellus/contracts';
import type { RegistryEvent } from '@ocellus/registry';
import fp from 'fastify-plugin';
import { Gauge, Histogram } from 'prom-client';
import type { ModelFactory } from '../model-port.js';
import { ModelCache } from '../serving/model-cache.js';

/**
 * The model cache: production versions loaded at start, alias moves and deletes by any process followed
 * through `registry.watch`, and versions no alias points at evicted when an alias leaves them.
 */
export default fp<{ modelFactory: ModelFactory }>(
  async (fastify, { modelFactory }) => {
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
      factory: modelFactory,
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
    fastify.decorate('models', cache);

    const aliasedVersions = async () => {
      const models = await registry.listModels();
      cache.setPinned(
        models.flatMap((m) => Object.values(m.aliases).map((version) => ({ name: m.name, version }))),
      );
      return models;
    };

    const load = (name: string, version: number) =>
      cache.get(name, version).then(
        () => fastify.log.info({ model: name, version }, 'model loaded'),
        (error: Error) =>
          fastify.log.warn({ model: name, version, reason: error.message }, 'model not loaded'),
      );

    const onEvent = async (event: RegistryEvent) => {
      fastify.log.info({ event }, 'registry changed');
      if (event.kind === 'deleted') {
        cache.evict(event.name, event.version);
        return;
      }
      if (event.kind !== 'alias') return;
      await aliasedVersions();
      const aliases = await registry.aliases(event.name);
      const evicted = cache.retain(event.name, new Set(Object.values(aliases)));
      if (evicted.length > 0) fastify.log.info({ model: event.name, evicted }, 'unaliased versions evicted');
      if (event.alias === DEFAULT_ALIAS) await load(event.name, event.version);
    };
    const unwatch = registry.watch((event) => {
      onEvent(event).catch((error: Error) =>
        fastify.log.warn({ event, reason: error.message }, 'registry event'),
      );
    });

    const preload = aliasedVersions().then(
      (models) =>
        Promise.all(
          models.flatMap((m) => {
            const version = m.aliases[DEFAULT_ALIAS];
            return version === undefined ? [] : [load(m.name, version)];
          }),
        ),
      (error: Error) => fastify.log.warn({ reason: error.message }, 'registry not readable at start'),
    );

    fastify.decorate('modelsReady', async () => {
      await preload;
      const models = await registry.listModels();
      return models.every((m) => {
        const version = m.aliases[DEFAULT_ALIAS];
        return version === undefined || cache.peek(m.name, version) !== undefined;
      });
    });

    fastify.addHook('onClose', async () => {
      unwatch();
      await preload;
      for (const entry of cache.entries()) cache.evict(entry.name, entry.version);
    });
  },
  { name: 'ocellus-models', dependencies: ['ocellus-context', 'ocellus-metrics'] },
);
