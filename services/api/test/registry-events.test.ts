import { randomUUID } from 'node:crypto';
import { buildApp, loadConfig, type RegistryEventBus, redisEventBus } from '@ocellus/api';
import type { Registry, RegistryEvent } from '@ocellus/registry';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { testHost } from './helpers/families.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest, tempRegistry } from './helpers/registry.js';

// CI starts a Redis on the default port; each test talks on a channel of its own.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A replica that sees no file-system events (a network share, say): only the bus can tell it of changes. */
const blind = (registry: Registry): Registry => ({ ...registry, watch: () => () => {} });

describe('registry events over Redis pub/sub', () => {
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  async function replica(registry: Registry, channel: string): Promise<FastifyInstance> {
    const app = await buildApp({
      config: loadConfig({ OCELLUS_REGISTRY_ROOT: registry.root }),
      registry,
      modelHost: testHost(),
      registryEvents: () => redisEventBus(REDIS_URL, { channel }),
    });
    closers.push(() => app.close());
    await app.modelsReady();
    return app;
  }

  async function listen(channel: string): Promise<unknown[]> {
    const redis = new Redis(REDIS_URL);
    closers.push(async () => redis.disconnect());
    const messages: unknown[] = [];
    redis.on('message', (_channel: string, text: string) => messages.push(JSON.parse(text)));
    await redis.subscribe(channel);
    return messages;
  }

  async function sharedRegistry() {
    const temp = await tempRegistry();
    closers.push(temp.cleanup);
    await publishTest(temp.registry, 'digits-cnn');
    await publishTest(temp.registry, 'digits-cnn', { alias: null });
    return temp.registry;
  }

  it('publishes the alias moves and deletes a replica makes', async () => {
    const channel = `test:${randomUUID()}`;
    const registry = await sharedRegistry();
    const messages = await listen(channel);
    const app = await replica(registry, channel);
    const moved = await app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 2 },
    });
    expect(moved.statusCode).toBe(200);
    const deleted = await app.inject({ method: 'DELETE', url: '/v1/models/digits-cnn/versions/1' });
    expect(deleted.statusCode).toBe(204);
    await until(() => messages.length === 2);
    expect(messages).toEqual([
      {
        origin: expect.any(String),
        event: { kind: 'alias', name: 'digits-cnn', alias: 'production', version: 2 },
      },
      { origin: expect.any(String), event: { kind: 'deleted', name: 'digits-cnn', version: 1 } },
    ]);
  });

  it('makes another replica load the promoted version and drop a deleted one without its own watch', async () => {
    const channel = `test:${randomUUID()}`;
    const registry = await sharedRegistry();
    const a = await replica(registry, channel);
    const b = await replica(blind(registry), channel);
    expect(b.models.peek('digits-cnn', 1)).toBeDefined();
    expect(b.models.peek('digits-cnn', 2)).toBeUndefined();

    const moved = await a.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 2 },
    });
    expect(moved.statusCode).toBe(200);
    await until(
      () => b.models.peek('digits-cnn', 2) !== undefined && b.models.peek('digits-cnn', 1) === undefined,
    );

    const pinned = await b.inject({
      method: 'POST',
      url: '/v1/classify?version=1',
      ...images(await whitePng()),
    });
    expect(pinned.statusCode).toBe(200);
    expect(b.models.peek('digits-cnn', 1)).toBeDefined();
    expect((await a.inject({ method: 'DELETE', url: '/v1/models/digits-cnn/versions/1' })).statusCode).toBe(
      204,
    );
    await until(() => b.models.peek('digits-cnn', 1) === undefined);
  });

  it('ignores its own messages and reports ones that are not registry events', async () => {
    const channel = `test:${randomUUID()}`;
    const errors: Error[] = [];
    const seen: RegistryEvent[] = [];
    const bus: RegistryEventBus = redisEventBus(REDIS_URL, { channel, onError: (e) => errors.push(e) });
    closers.push(() => bus.close());
    bus.subscribe((event) => seen.push(event));
    const other = new Redis(REDIS_URL);
    closers.push(async () => other.disconnect());
    await until(async () => (await other.pubsub('NUMSUB', channel))[1] === 1);

    bus.publish({ kind: 'published', name: 'mine', version: 1 });
    await other.publish(channel, 'not json');
    await other.publish(
      channel,
      JSON.stringify({ origin: 'x', event: { kind: 'alias', name: 'BAD', version: 1 } }),
    );
    const theirs = { kind: 'alias', name: 'theirs', alias: 'production', version: 3 } as const;
    await other.publish(channel, JSON.stringify({ origin: 'other-replica', event: theirs }));
    await until(() => seen.length > 0);
    expect(seen).toEqual([theirs]);
    expect(errors.map((e) => e.message)).toEqual([
      `ignored a message on ${channel} that is not a registry event`,
      `ignored a message on ${channel} that is not a registry event`,
    ]);
  });

  it('keeps moving aliases when Redis is unreachable, reporting the outage once', async () => {
    const registry = await sharedRegistry();
    const errors: Error[] = [];
    const app = await buildApp({
      config: loadConfig({ OCELLUS_REGISTRY_ROOT: registry.root }),
      registry,
      modelHost: testHost(),
      registryEvents: () => redisEventBus('redis://127.0.0.1:1', { onError: (e) => errors.push(e) }),
    });
    closers.push(() => app.close());
    const moved = await app.inject({
      method: 'PUT',
      url: '/v1/models/digits-cnn/aliases/production',
      payload: { version: 2 },
    });
    expect(moved.statusCode).toBe(200);
    expect(await registry.aliases('digits-cnn')).toEqual({ production: 2 });
    // One report per connection (publisher and subscriber), however many times ioredis retries.
    await until(() => errors.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(errors.map((e) => e.message)).toEqual([
      expect.stringContaining('ECONNREFUSED'),
      expect.stringContaining('ECONNREFUSED'),
    ]);
  });
});
