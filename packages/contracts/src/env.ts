import { z } from 'zod';
import { DEFAULT_MAX_EPOCHS } from './job-spec/training.js';

/** A whole-number environment variable within [min, max], `fallback` when unset. */
export const envInteger = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `expected a whole number between ${min} and ${max}`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

export const redisUrlSchema = z.url({ protocol: /^rediss?$/, error: 'expected a redis:// or rediss:// URL' });

/** The settings the API and the trainer both read, meaning the same in each. */
export const sharedSettings = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The Redis key prefix of the training queue and the job records. */
  OCELLUS_QUEUE_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected 1-64 characters of A-Z, a-z, 0-9, _ . -')
    .default('ocellus'),
  /** The largest `epochs` a job spec may ask for. */
  OCELLUS_MAX_EPOCHS: envInteger(DEFAULT_MAX_EPOCHS, 1, 100_000),
  /** At most one progress update per job per interval. */
  OCELLUS_PROGRESS_INTERVAL_MS: envInteger(500, 10, 60_000),
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the variables `schema` names, an empty one counting as unset; throws one ConfigError listing
 * every bad variable with zod's message, never its value.
 */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined>,
): z.output<S> {
  const known = Object.fromEntries(
    Object.keys(schema.shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = schema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}
