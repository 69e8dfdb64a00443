import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, envInteger, parseEnv, redisUrlSchema, sharedSettings } from '@ocellus/contracts/env';
import { z } from 'zod';

export { ConfigError };

/** `<repo>/models`, the shipped registry, found from this file's place in `services/api/dist`. */
export const DEFAULT_REGISTRY_ROOT = fileURLToPath(new URL('../../../models', import.meta.url));

/** `@ocellus/console`'s build output, or undefined where that package is not installed. */
function defaultConsoleDir(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@ocellus/console/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

const keyList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key.length > 0),
  )
  .pipe(z.array(z.string().min(16, 'each key needs at least 16 characters')));

/** Every setting the service reads, with its environment variable, default and bounds. */
const envSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: envInteger(8080, 0, 65_535),
  OCELLUS_REGISTRY_ROOT: z.string().trim().min(1).default(DEFAULT_REGISTRY_ROOT),
  OCELLUS_CONSOLE_DIR: z.string().trim().min(1).optional(),
  OCELLUS_ADMIN_KEYS: keyList,
  OCELLUS_INFERENCE_KEYS: keyList,
  OCELLUS_MAX_PIXELS: envInteger(4096 * 4096, 1),
  // Four full-size images: the 16 files a request may carry, at 4096x4096 each, would be 268 M pixels.
  OCELLUS_MAX_REQUEST_PIXELS: envInteger(4 * 4096 * 4096, 1),
  OCELLUS_MIN_IMAGE_SIDE: envInteger(8, 1, 4096),
  OCELLUS_MAX_FILE_BYTES: envInteger(10 * 1024 * 1024, 1),
  OCELLUS_MAX_FILES: envInteger(16, 1, 1024),
  OCELLUS_MAX_FIELDS: envInteger(16, 0, 1024),
  OCELLUS_MAX_FIELD_BYTES: envInteger(1024, 1, 1024 * 1024),
  OCELLUS_MAX_PARTS: envInteger(64, 1, 4096),
  OCELLUS_BODY_LIMIT: envInteger(10 * 1024 * 1024, 1024),
  // A job spec has ~100 keys and nests ~6 deep; OIP tensors are arrays of numbers, which count as no keys.
  OCELLUS_JSON_MAX_KEYS: envInteger(10_000, 1, 10_000_000),
  OCELLUS_JSON_MAX_DEPTH: envInteger(32, 2, 1000),
  OCELLUS_MAX_BATCH_SIZE: envInteger(32, 1, 4096),
  OCELLUS_BATCH_DELAY_MS: envInteger(2, 0, 10_000),
  OCELLUS_QUEUE_LIMIT: envInteger(256, 1, 1_000_000),
  // 2 cores drain ~150 digits-cnn req/s (the slowest shipped model): 32 admitted wait ~0.2 s, inside 2 s p99.
  OCELLUS_MAX_INFLIGHT_PER_MODEL: envInteger(32, 1, 1_000_000),
  // Two models at that depth at once; more in flight only queues behind the same 2 cores.
  OCELLUS_MAX_INFLIGHT: envInteger(64, 1, 1_000_000),
  // sharp decodes on libuv's 4-thread pool: more at once would only queue, unseen and unbounded, in libuv.
  OCELLUS_MAX_DECODES: envInteger(4, 1, 1024),
  // Waiting decodes hold only bytes already read; 64 lets a full OCELLUS_MAX_INFLIGHT of 1-image posts wait.
  OCELLUS_MAX_DECODES_WAITING: envInteger(64, 0, 1_000_000),
  // 16,777,216 FP32 values is 64 MiB decoded: the most one OIP request may make the server hold as a tensor.
  OCELLUS_OIP_MAX_ELEMENTS: envInteger(16_777_216, 1, 1 << 30),
  // The element cap alone passes 21,399 28x28 items; 1024 is ~7 s of digits-cnn here (~150 img/s) at most.
  OCELLUS_OIP_MAX_BATCH: envInteger(1024, 1, 1_000_000),
  // Forward passes run at this nice value above the event loop's, so health and admission never wait for them.
  OCELLUS_INFERENCE_NICE: envInteger(10, 0, 19),
  OCELLUS_REQUEST_TIMEOUT_MS: envInteger(30_000, 100, 3_600_000),
  OCELLUS_SHUTDOWN_TIMEOUT_MS: envInteger(10_000, 0, 3_600_000),
  OCELLUS_MODEL_CACHE_SIZE: envInteger(8, 1, 1024),
  OCELLUS_REGISTRY_POLL_MS: envInteger(1000, 50, 3_600_000),
  REDIS_URL: redisUrlSchema.optional(),
  // The reconnect wait is part of the call's time: a job route answers 503 QUEUE_UNAVAILABLE within a second.
  OCELLUS_REDIS_CALL_TIMEOUT_MS: envInteger(900, 10, 600_000),
  OCELLUS_REDIS_RECONNECT_WAIT_MS: envInteger(400, 0, 600_000),
  // Job routes recover 50-130 ms after Redis is back at 200; ioredis's own 2 s cap would hold them that long.
  OCELLUS_REDIS_RETRY_MAX_MS: envInteger(200, 10, 60_000),
  ...sharedSettings,
  OCELLUS_JOB_ATTEMPTS: envInteger(3, 1, 100),
  OCELLUS_JOB_BACKOFF_MS: envInteger(10_000, 0, 3_600_000),
  // estimateJobBytes (contracts) of a spec over this is refused: a quarter of a 16 GiB machine.
  OCELLUS_MAX_JOB_BYTES: envInteger(4 * 2 ** 30, 2 ** 20),
  OCELLUS_MAX_SEARCH_DIMENSIONS: envInteger(32, 1, 10_000),
  OCELLUS_JOBS_PAGE_SIZE: envInteger(20, 1, 1000),
  OCELLUS_JOBS_MAX_PAGE_SIZE: envInteger(100, 1, 1000),
  OCELLUS_DATASET_MAX_UPLOAD_BYTES: envInteger(2 ** 30, 1024),
});

export type Env = z.input<typeof envSchema>;

export interface Limits {
  maxPixels: number;
  /** Width x height summed over one request's images, read from their headers before any is decoded. */
  maxRequestPixels: number;
  minImageSide: number;
  maxFileBytes: number;
  maxFiles: number;
  maxFields: number;
  maxFieldBytes: number;
  maxParts: number;
  bodyLimit: number;
  /** Object keys plus non-number array items in one JSON body, counted before it is parsed. */
  maxJsonKeys: number;
  /** Nesting of objects and arrays in one JSON body. */
  maxJsonDepth: number;
}

export interface BatchingConfig {
  maxBatchSize: number;
  maxDelayMs: number;
  maxQueue: number;
}

/** Admission control: requests in flight (first byte to reply) and concurrent image decodes. */
export interface AdmissionConfig {
  maxInFlight: number;
  maxInFlightPerModel: number;
  maxDecodes: number;
  /** Decodes that may wait for a slot; past it the request is refused with 503 OVERLOADED. */
  maxDecodesWaiting: number;
}

/** Open Inference Protocol tensor caps: values in one request's input, and its batch dimension. */
export interface OipConfig {
  maxElements: number;
  maxBatch: number;
}

/** Training jobs: the Redis key prefix (queue and records), the epoch cap of a spec, retries. */
export interface JobsConfig {
  prefix: string;
  maxEpochs: number;
  attempts: number;
  backoffMs: number;
  /** Embedded mode: at most one progress update per job per interval (the trainer has its own setting). */
  progressIntervalMs: number;
  /** A spec whose estimated peak memory (estimateJobBytes) is over this is refused at submission. */
  maxJobBytes: number;
  /** Dimensions of a spec's `search.space`. */
  maxSearchDimensions: number;
  /** `GET /v1/jobs`: records per page without `limit`, and the largest `limit`. */
  pageSize: number;
  maxPageSize: number;
}

/** How the job routes' Redis calls fail fast (see RedisGuard), so an outage is a quick 503, not a hang. */
export interface RedisGuardConfig {
  /** The most one call may take, for a Redis that accepts connections but does not answer. */
  callTimeoutMs: number;
  /** Of that, how long a call waits for a dropped connection to come back, so a restart this short is unseen. */
  reconnectWaitMs: number;
  /** The longest gap between reconnect attempts to a Redis that went away. */
  retryMaxMs: number;
}

export interface Config {
  host: string;
  port: number;
  logLevel: string;
  registryRoot: string;
  adminKeys: string[];
  inferenceKeys: string[];
  limits: Limits;
  batching: BatchingConfig;
  admission: AdmissionConfig;
  oip: OipConfig;
  /** Nice value added to the inference thread and its workers (0 keeps them level with the event loop). */
  inferenceNice: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  modelCacheSize: number;
  registryPollMs: number;
  redisUrl: string | undefined;
  redisGuard: RedisGuardConfig;
  jobs: JobsConfig;
  /** `POST /v1/datasets`: bytes of one uploaded archive (its contents have @ocellus/datasets' own limits). */
  datasetMaxUploadBytes: number;
  /** The built console served at `/` (its `index.html` and `assets/`); undefined when there is none. */
  consoleDir: string | undefined;
}

/** The variable behind each limit, so a 413 can say which setting to raise. */
export const LIMIT_SETTINGS: { readonly [K in keyof Limits]: string } = {
  maxPixels: 'OCELLUS_MAX_PIXELS',
  maxRequestPixels: 'OCELLUS_MAX_REQUEST_PIXELS',
  minImageSide: 'OCELLUS_MIN_IMAGE_SIDE',
  maxFileBytes: 'OCELLUS_MAX_FILE_BYTES',
  maxFiles: 'OCELLUS_MAX_FILES',
  maxFields: 'OCELLUS_MAX_FIELDS',
  maxFieldBytes: 'OCELLUS_MAX_FIELD_BYTES',
  maxParts: 'OCELLUS_MAX_PARTS',
  bodyLimit: 'OCELLUS_BODY_LIMIT',
  maxJsonKeys: 'OCELLUS_JSON_MAX_KEYS',
  maxJsonDepth: 'OCELLUS_JSON_MAX_DEPTH',
};

/** The variable behind each admission bound, so a 503 can say which setting to raise. */
export const ADMISSION_SETTINGS: { readonly [K in keyof AdmissionConfig]: string } = {
  maxInFlight: 'OCELLUS_MAX_INFLIGHT',
  maxInFlightPerModel: 'OCELLUS_MAX_INFLIGHT_PER_MODEL',
  maxDecodes: 'OCELLUS_MAX_DECODES',
  maxDecodesWaiting: 'OCELLUS_MAX_DECODES_WAITING',
};

/** The variable behind each OIP cap, for the 413 that names it. */
export const OIP_SETTINGS: { readonly [K in keyof OipConfig]: string } = {
  maxElements: 'OCELLUS_OIP_MAX_ELEMENTS',
  maxBatch: 'OCELLUS_OIP_MAX_BATCH',
};

/** Loopback only: 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** Reads and validates the configuration; the error lists every bad variable, never a key's value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(envSchema, env);
  if (!isLoopback(e.HOST) && e.OCELLUS_ADMIN_KEYS.length === 0) {
    throw new ConfigError([
      `HOST: ${e.HOST} is not a loopback address and OCELLUS_ADMIN_KEYS is empty; set admin keys or bind 127.0.0.1`,
    ]);
  }
  if (e.OCELLUS_JOBS_PAGE_SIZE > e.OCELLUS_JOBS_MAX_PAGE_SIZE) {
    throw new ConfigError([
      `OCELLUS_JOBS_PAGE_SIZE: ${e.OCELLUS_JOBS_PAGE_SIZE} is more than OCELLUS_JOBS_MAX_PAGE_SIZE (${e.OCELLUS_JOBS_MAX_PAGE_SIZE})`,
    ]);
  }
  if (e.OCELLUS_REDIS_RECONNECT_WAIT_MS >= e.OCELLUS_REDIS_CALL_TIMEOUT_MS) {
    throw new ConfigError([
      `OCELLUS_REDIS_RECONNECT_WAIT_MS: ${e.OCELLUS_REDIS_RECONNECT_WAIT_MS} is not less than OCELLUS_REDIS_CALL_TIMEOUT_MS (${e.OCELLUS_REDIS_CALL_TIMEOUT_MS}); a call that waited for a reconnect would have no time left to run`,
    ]);
  }
  return {
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    registryRoot: e.OCELLUS_REGISTRY_ROOT,
    consoleDir: e.OCELLUS_CONSOLE_DIR ?? defaultConsoleDir(),
    adminKeys: e.OCELLUS_ADMIN_KEYS,
    inferenceKeys: e.OCELLUS_INFERENCE_KEYS,
    limits: {
      maxPixels: e.OCELLUS_MAX_PIXELS,
      maxRequestPixels: e.OCELLUS_MAX_REQUEST_PIXELS,
      minImageSide: e.OCELLUS_MIN_IMAGE_SIDE,
      maxFileBytes: e.OCELLUS_MAX_FILE_BYTES,
      maxFiles: e.OCELLUS_MAX_FILES,
      maxFields: e.OCELLUS_MAX_FIELDS,
      maxFieldBytes: e.OCELLUS_MAX_FIELD_BYTES,
      maxParts: e.OCELLUS_MAX_PARTS,
      bodyLimit: e.OCELLUS_BODY_LIMIT,
      maxJsonKeys: e.OCELLUS_JSON_MAX_KEYS,
      maxJsonDepth: e.OCELLUS_JSON_MAX_DEPTH,
    },
    batching: {
      maxBatchSize: e.OCELLUS_MAX_BATCH_SIZE,
      maxDelayMs: e.OCELLUS_BATCH_DELAY_MS,
      maxQueue: e.OCELLUS_QUEUE_LIMIT,
    },
    admission: {
      maxInFlight: e.OCELLUS_MAX_INFLIGHT,
      maxInFlightPerModel: e.OCELLUS_MAX_INFLIGHT_PER_MODEL,
      maxDecodes: e.OCELLUS_MAX_DECODES,
      maxDecodesWaiting: e.OCELLUS_MAX_DECODES_WAITING,
    },
    oip: { maxElements: e.OCELLUS_OIP_MAX_ELEMENTS, maxBatch: e.OCELLUS_OIP_MAX_BATCH },
    inferenceNice: e.OCELLUS_INFERENCE_NICE,
    requestTimeoutMs: e.OCELLUS_REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: e.OCELLUS_SHUTDOWN_TIMEOUT_MS,
    modelCacheSize: e.OCELLUS_MODEL_CACHE_SIZE,
    registryPollMs: e.OCELLUS_REGISTRY_POLL_MS,
    redisUrl: e.REDIS_URL,
    redisGuard: {
      callTimeoutMs: e.OCELLUS_REDIS_CALL_TIMEOUT_MS,
      reconnectWaitMs: e.OCELLUS_REDIS_RECONNECT_WAIT_MS,
      retryMaxMs: e.OCELLUS_REDIS_RETRY_MAX_MS,
    },
    datasetMaxUploadBytes: e.OCELLUS_DATASET_MAX_UPLOAD_BYTES,
    jobs: {
      prefix: e.OCELLUS_QUEUE_PREFIX,
      maxEpochs: e.OCELLUS_MAX_EPOCHS,
      attempts: e.OCELLUS_JOB_ATTEMPTS,
      backoffMs: e.OCELLUS_JOB_BACKOFF_MS,
      progressIntervalMs: e.OCELLUS_PROGRESS_INTERVAL_MS,
      maxJobBytes: e.OCELLUS_MAX_JOB_BYTES,
      maxSearchDimensions: e.OCELLUS_MAX_SEARCH_DIMENSIONS,
      pageSize: e.OCELLUS_JOBS_PAGE_SIZE,
      maxPageSize: e.OCELLUS_JOBS_MAX_PAGE_SIZE,
    },
  };
}
