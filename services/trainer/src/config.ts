import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_EPOCHS } from '@ocellus/contracts';
import { z } from 'zod';

/** `<repo>/models`, the shipped registry, as the API finds it. */
export const DEFAULT_REGISTRY_ROOT = fileURLToPath(new URL('../../../models', import.meta.url));

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

const prefix = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 characters of A-Z, a-z, 0-9, _ . -')
  .default('ocellus');

/** The trainer's settings; the names the API shares (registry, prefix, epoch cap, retries) mean the same there. */
const envSchema = z.object({
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OCELLUS_REGISTRY_ROOT: z.string().trim().min(1).default(DEFAULT_REGISTRY_ROOT),
  OCELLUS_QUEUE_PREFIX: prefix,
  OCELLUS_MAX_EPOCHS: integer(DEFAULT_MAX_EPOCHS, 1, 100_000),
  OCELLUS_TRAINER_CONCURRENCY: integer(1, 1, 64),
  OCELLUS_LOCK_DURATION_MS: integer(30_000, 1000, 3_600_000),
  OCELLUS_STALLED_INTERVAL_MS: integer(15_000, 500, 3_600_000),
  OCELLUS_MAX_STALLED_COUNT: integer(2, 0, 1000),
  OCELLUS_PROGRESS_INTERVAL_MS: integer(500, 10, 60_000),
  OCELLUS_SHUTDOWN_TIMEOUT_MS: integer(30_000, 0, 3_600_000),
});

export const queuePrefixSchema = prefix;

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

/** Reads the environment; throws one error naming every bad variable. */
export function loadTrainerConfig(env: Record<string, string | undefined> = process.env): TrainerConfig {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
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
