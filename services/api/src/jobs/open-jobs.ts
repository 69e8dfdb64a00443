import { EmbeddedTrainer } from '@ocellus/jobs/embedded';
import { reportOrphanedVersions } from '@ocellus/jobs/orphans';
import { trainingQueue } from '@ocellus/jobs/queue';
import { RedisJobStore } from '@ocellus/jobs/redis-store';
import type { FastifyBaseLogger } from 'fastify';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { JobService } from './job-service.js';
import { embeddedLauncher, queueLauncher } from './launchers.js';
import { failFastRedisOptions, RedisGuard } from './redis-guard.js';

/** ioredis reports every reconnect attempt; one warning per outage is enough. */
function reportOutages(redis: Redis, log: FastifyBaseLogger, what: string): Redis {
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) log.warn({ reason: error.message }, `${what}: Redis unreachable`);
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info(`${what}: Redis reachable again`);
    down = false;
  });
  return redis;
}

/**
 * With REDIS_URL, jobs go to the BullMQ queue for `npm run trainer` workers and records live in Redis;
 * without it, this process trains them itself (embedded mode) and keeps records beside the registry.
 */
export async function openJobService(config: Config, log: FastifyBaseLogger): Promise<JobService> {
  const { prefix, maxEpochs, attempts, backoffMs, progressIntervalMs } = config.jobs;
  const retry = { attempts, backoffMs };
  if (config.redisUrl === undefined) {
    const registryRoot = config.registryRoot;
    const trainer = await EmbeddedTrainer.open({ registryRoot, maxEpochs, retry, log, progressIntervalMs });
    log.info(
      { registry: config.registryRoot },
      'no REDIS_URL: training jobs run in this process, one at a time',
    );
    // In the background: start-up never waits on a scan of the registry.
    void reportOrphanedVersions(registryRoot, trainer.store, log);
    return new JobService(trainer.store, embeddedLauncher(trainer), maxEpochs);
  }
  const connect = (role: string) =>
    reportOutages(
      new Redis(config.redisUrl ?? '', {
        ...failFastRedisOptions(config.redisGuard),
        connectionName: `ocellus-api-jobs-${role}`,
      }),
      log,
      `jobs ${role}`,
    );
  const recordsConnection = connect('records');
  const store = new RedisJobStore(recordsConnection, prefix);
  void reportOrphanedVersions(config.registryRoot, store, log);
  const queueConnection = connect('queue');
  const openQueue = () => {
    const queue = trainingQueue(queueConnection, prefix);
    queue.on('error', (error: Error) => log.warn({ reason: error.message }, 'training queue'));
    return queue;
  };
  const launcher = queueLauncher(openQueue, queueConnection, retry, {
    firstDelayMs: config.redisGuard.retryMaxMs,
    onFailure: (error, nextDelayMs) =>
      log.warn({ reason: error.message, nextDelayMs }, 'training queue: start failed; building it again'),
  });
  const guard = new RedisGuard([recordsConnection, queueConnection], config.redisGuard);
  return new JobService(store, launcher, maxEpochs, guard);
}
