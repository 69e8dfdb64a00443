import { fileURLToPath } from 'node:url';
import { envInteger, parseEnv, redisUrlSchema, sharedSettings } from '@ocellus/contracts/env';
import { z } from 'zod';

/** `<repo>/models`, the shipped registry, as the API finds it. */
export const DEFAULT_REGISTRY_ROOT = fileURLToPath(new URL('../../../models', import.meta.url));

/** The trainer's settings; the shared ones and the registry root mean the same as in the API. */
const envSchema = z.object({
  REDIS_URL: redisUrlSchema,
  ...sharedSettings,
  OCELLUS_REGISTRY_ROOT: z.string().trim().min(1).default(DEFAULT_REGISTRY_ROOT),
  OCELLUS_TRAINER_CONCURRENCY: envInteger(1, 1, 64),
  OCELLUS_LOCK_DURATION_MS: envInteger(30_000, 1000, 3_600_000),
  OCELLUS_STALLED_INTERVAL_MS: envInteger(15_000, 500, 3_600_000),
  OCELLUS_MAX_STALLED_COUNT: envInteger(2, 0, 1000),
  OCELLUS_SHUTDOWN_TIMEOUT_MS: envInteger(30_000, 0, 3_600_000),
});

export interface TrainerConfig {
  redisUrl: string;
  logLevel: string;
  registryRoot: string;
  prefix: string;
  maxEpochs: number;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  /** At most one progress update (record and event) per job per interval. */
  progressIntervalMs: number;
  /** How long SIGTERM may take (checkpointing and requeueing) before the process exits anyway. */
  shutdownTimeoutMs: number;
}

/** Reads the environment; throws one ConfigError naming every bad variable. */
export function loadTrainerConfig(env: Record<string, string | undefined> = process.env): TrainerConfig {
  const e = parseEnv(envSchema, env);
  return {
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    registryRoot: e.OCELLUS_REGISTRY_ROOT,
    prefix: e.OCELLUS_QUEUE_PREFIX,
    maxEpochs: e.OCELLUS_MAX_EPOCHS,
    concurrency: e.OCELLUS_TRAINER_CONCURRENCY,
    lockDurationMs: e.OCELLUS_LOCK_DURATION_MS,
    stalledIntervalMs: e.OCELLUS_STALLED_INTERVAL_MS,
    maxStalledCount: e.OCELLUS_MAX_STALLED_COUNT,
    progressIntervalMs: e.OCELLUS_PROGRESS_INTERVAL_MS,
    shutdownTimeoutMs: e.OCELLUS_SHUTDOWN_TIMEOUT_MS,
  };
}
