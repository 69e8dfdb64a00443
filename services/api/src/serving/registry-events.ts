import { randomUUID } from 'node:crypto';
import {
  aliasNameSchema,
  modelNameSchema,
  modelVersionSchema,
  REGISTRY_EVENTS_CHANNEL,
} from '@ocellus/contracts';
import type { Registry, RegistryEvent } from '@ocellus/registry';
import { Redis } from 'ioredis';
import { z } from 'zod';

/** Registry changes shared between replicas, on top of each replica's own file-system watch. */
export interface RegistryEventBus {
  /** Announces a change this replica made; never throws (the watch of other replicas still sees it). */
  publish(event: RegistryEvent): void;
  /** Calls the listener for changes announced by other replicas; returns an unsubscribe. */
  subscribe(listener: (event: RegistryEvent) => void): () => void;
  close(): Promise<void>;
}

const versionEvent = { name: modelNameSchema, version: modelVersionSchema };
const messageSchema = z.object({
  origin: z.string(),
  event: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('published'), ...versionEvent }),
    z.object({ kind: z.literal('deleted'), ...versionEvent }),
    z.object({ kind: z.literal('alias'), alias: aliasNameSchema, ...versionEvent }),
  ]),
});

export interface RedisEventBusOptions {
  channel?: string;
  /** Connection problems (once per outage) and messages that are not registry events. */
  onError?: (error: Error) => void;
}

/** The bus over Redis pub/sub: one connection publishes, one subscribes (a subscribed connection can do nothing else). */
export function redisEventBus(url: string, options: RedisEventBusOptions = {}): RegistryEventBus {
  const { channel = REGISTRY_EVENTS_CHANNEL, onError = () => {} } = options;
  const origin = randomUUID();
  const listeners = new Set<(event: RegistryEvent) => void>();
  const connect = (role: string) => {
    const redis = new Redis(url, { connectionName: `ocellus-api-registry-${role}` });
    // ioredis retries forever and emits an error per attempt; one report per outage is enough.
    let down = false;
    redis.on('error', (error: Error) => {
      if (down) return;
      down = true;
      onError(error);
    });
    redis.on('ready', () => {
      down = false;
    });
    return redis;
  };
  const publisher = connect('publisher');
  const subscriber = connect('subscriber');
  subscriber.subscribe(channel).catch((error: Error) => onError(error));
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let message: z.infer<typeof messageSchema>;
    try {
      message = messageSchema.parse(JSON.parse(text));
    } catch {
      onError(new Error(`ignored a message on ${channel} that is not a registry event`));
      return;
    }
    if (message.origin === origin) return;
    for (const listener of listeners) listener(message.event);
  });
  return {
    publish(event) {
      publisher.publish(channel, JSON.stringify({ origin, event })).catch((error: Error) => onError(error));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      listeners.clear();
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}

/** The registry with the changes made through it announced on the bus, and the bus's events added to `watch`. */
export function announcingRegistry(registry: Registry, bus: RegistryEventBus): Registry {
  return {
    root: registry.root,
    listModels: () => registry.listModels(),
    describe: (name) => registry.describe(name),
    manifest: (name, version) => registry.manifest(name, version),
    load: (name, version) => registry.load(name, version),
    weightsPath: (name, version) => registry.weightsPath(name, version),
    resolve: (name, selector) => registry.resolve(name, selector),
    aliases: (name) => registry.aliases(name),
    async publish(name, input) {
      const manifest = await registry.publish(name, input);
      bus.publish({ kind: 'published', name, version: manifest.version });
      return manifest;
    },
    async setAlias(name, alias, version) {
      await registry.setAlias(name, alias, version);
      bus.publish({ kind: 'alias', name, alias, version });
    },
    async deleteVersion(name, version) {
      await registry.deleteVersion(name, version);
      bus.publish({ kind: 'deleted', name, version });
    },
    watch(listener) {
      const unwatch = registry.watch(listener);
      const unsubscribe = bus.subscribe(listener);
      return () => {
        unwatch();
        unsubscribe();
      };
    },
  };
}
