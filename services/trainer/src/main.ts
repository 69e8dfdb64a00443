#!/usr/bin/env node
import { reportOrphanedVersions } from '@ocellus/jobs/orphans';
import { RedisJobStore } from '@ocellus/jobs/redis-store';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { loadTrainerConfig, type TrainerConfig } from './config.js';
import { startTrainer } from './trainer-worker.js';

/** `npm run trainer`: a BullMQ worker on REDIS_URL; SIGINT/SIGTERM checkpoint the running job and requeue it. */
function main(): void {
  let config: TrainerConfig;
  try {
    config = loadTrainerConfig(process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const log = pino({ name: 'ocellus-trainer', level: config.logLevel });
  // null: BullMQ's worker needs commands to wait for a reconnect rather than fail after a few retries.
  const connection = new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    connectionName: 'ocellus-trainer',
  });
  let down = false;
  connection.on('error', (error: Error) => {
    if (!down) log.warn({ reason: error.message }, 'Redis unreachable; retrying');
    down = true;
  });
  connection.on('ready', () => {
    if (down) log.info('Redis reachable again');
    down = false;
  });
  const trainer = startTrainer({ ...config, connection, log });
  // In the background: versions whose job record is gone (Redis lost its data) are named, not repaired.
  const records = new RedisJobStore(connection.duplicate(), config.prefix);
  void reportOrphanedVersions(config.registryRoot, records, log).finally(() => records.close());
  trainer.worker.once('ready', () =>
    log.info(
      { registry: config.registryRoot, prefix: config.prefix, concurrency: config.concurrency },
      'waiting for training jobs',
    ),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    closing = true;
    log.info({ signal }, 'shutting down: checkpointing and requeueing the running jobs');
    // With Redis unreachable, close() would wait for it forever; the job's lock then expires and it is retaken.
    setTimeout(() => {
      log.error('shutdown did not finish in time');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    trainer.close().then(
      () => {
        connection.disconnect();
        process.exit(0);
      },
      (error: Error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main();
