import { ConfigError, DEFAULT_REGISTRY_ROOT, isLoopback, loadConfig } from '@ocellus/api';
import { describe, expect, it } from 'vitest';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('starts from embedded defaults: loopback, 8080, the repository models/ registry', () => {
    const config = loadConfig({});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(8080);
    expect(config.registryRoot).toBe(DEFAULT_REGISTRY_ROOT);
    expect(DEFAULT_REGISTRY_ROOT.endsWith('/models')).toBe(true);
    expect(DEFAULT_REGISTRY_ROOT).not.toContain('services');
    expect(config.limits.maxPixels).toBe(4096 * 4096);
    expect(config.adminKeys).toEqual([]);
    expect(config.redisUrl).toBeUndefined();
  });

  it('reads every setting from the environment', () => {
    const config = loadConfig({
      PORT: '9000',
      OCELLUS_MAX_PIXELS: '1000000',
      OCELLUS_MAX_BATCH_SIZE: '4',
      OCELLUS_BATCH_DELAY_MS: '0',
      OCELLUS_ADMIN_KEYS: 'admin-key-0123456789, second-admin-key-0123',
      REDIS_URL: 'redis://localhost:6379',
    });
    expect(config.port).toBe(9000);
    expect(config.limits.maxPixels).toBe(1_000_000);
    expect(config.batching).toMatchObject({ maxBatchSize: 4, maxDelayMs: 0 });
    expect(config.adminKeys).toEqual(['admin-key-0123456789', 'second-admin-key-0123']);
    expect(config.redisUrl).toBe('redis://localhost:6379');
  });

  it('reads the admission bounds and the OIP tensor caps, with defaults that fit two cores', () => {
    expect(loadConfig({}).admission).toEqual({
      maxInFlight: 64,
      maxInFlightPerModel: 32,
      maxDecodes: 4,
      maxDecodesWaiting: 64,
    });
    expect(loadConfig({}).oip).toEqual({ maxElements: 16_777_216, maxBatch: 1024 });
    const config = loadConfig({
      OCELLUS_MAX_INFLIGHT: '16',
      OCELLUS_MAX_INFLIGHT_PER_MODEL: '8',
      OCELLUS_MAX_DECODES: '2',
      OCELLUS_MAX_DECODES_WAITING: '0',
      OCELLUS_OIP_MAX_ELEMENTS: '4096',
      OCELLUS_OIP_MAX_BATCH: '4',
    });
    expect(config.admission).toEqual({
      maxInFlight: 16,
      maxInFlightPerModel: 8,
      maxDecodes: 2,
      maxDecodesWaiting: 0,
    });
    expect(config.oip).toEqual({ maxElements: 4096, maxBatch: 4 });
    const problems = problemsOf({
      OCELLUS_MAX_INFLIGHT: '0',
      OCELLUS_MAX_INFLIGHT_PER_MODEL: 'many',
      OCELLUS_MAX_DECODES: '-1',
      OCELLUS_OIP_MAX_ELEMENTS: '1.5',
      OCELLUS_OIP_MAX_BATCH: '0',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'OCELLUS_MAX_DECODES',
      'OCELLUS_MAX_INFLIGHT',
      'OCELLUS_MAX_INFLIGHT_PER_MODEL',
      'OCELLUS_OIP_MAX_BATCH',
      'OCELLUS_OIP_MAX_ELEMENTS',
    ]);
  });

  it('names each bad value in one error', () => {
    const problems = problemsOf({
      PORT: '80a',
      OCELLUS_MAX_PIXELS: '0',
      LOG_LEVEL: 'loud',
      REDIS_URL: 'http://x',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'LOG_LEVEL',
      'OCELLUS_MAX_PIXELS',
      'PORT',
      'REDIS_URL',
    ]);
  });

  it('reads the request, JSON, search-space and job-page bounds, and validates each', () => {
    const { limits, jobs } = loadConfig({});
    expect(limits).toMatchObject({
      maxRequestPixels: 4 * 4096 * 4096,
      maxJsonKeys: 10_000,
      maxJsonDepth: 32,
    });
    expect(jobs).toMatchObject({ maxSearchDimensions: 32, pageSize: 20, maxPageSize: 100 });
    const problems = problemsOf({
      OCELLUS_MAX_REQUEST_PIXELS: '0',
      OCELLUS_JSON_MAX_KEYS: 'lots',
      OCELLUS_JSON_MAX_DEPTH: '1',
      OCELLUS_MAX_SEARCH_DIMENSIONS: '0',
      OCELLUS_JOBS_PAGE_SIZE: '1001',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'OCELLUS_JOBS_PAGE_SIZE',
      'OCELLUS_JSON_MAX_DEPTH',
      'OCELLUS_JSON_MAX_KEYS',
      'OCELLUS_MAX_REQUEST_PIXELS',
      'OCELLUS_MAX_SEARCH_DIMENSIONS',
    ]);
    expect(problemsOf({ OCELLUS_JOBS_PAGE_SIZE: '50', OCELLUS_JOBS_MAX_PAGE_SIZE: '10' })[0]).toContain(
      'OCELLUS_JOBS_MAX_PAGE_SIZE',
    );
  });

  it('reads the Redis guard timings, and refuses a reconnect wait that leaves a call no time to run', () => {
    expect(loadConfig({}).redisGuard).toEqual({ callTimeoutMs: 900, reconnectWaitMs: 400, retryMaxMs: 200 });
    const config = loadConfig({
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '5000',
      OCELLUS_REDIS_RECONNECT_WAIT_MS: '0',
      OCELLUS_REDIS_RETRY_MAX_MS: '1000',
    });
    expect(config.redisGuard).toEqual({ callTimeoutMs: 5000, reconnectWaitMs: 0, retryMaxMs: 1000 });
    const problems = problemsOf({
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '5',
      OCELLUS_REDIS_RECONNECT_WAIT_MS: 'soon',
      OCELLUS_REDIS_RETRY_MAX_MS: '-200',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^OCELLUS_REDIS_CALL_TIMEOUT_MS: .*>=10/),
      'OCELLUS_REDIS_RECONNECT_WAIT_MS: expected a whole number between 0 and 600000',
      'OCELLUS_REDIS_RETRY_MAX_MS: expected a whole number between 10 and 60000',
    ]);
    const [tooLong] = problemsOf({
      OCELLUS_REDIS_CALL_TIMEOUT_MS: '500',
      OCELLUS_REDIS_RECONNECT_WAIT_MS: '500',
    });
    expect(tooLong).toMatch(
      /^OCELLUS_REDIS_RECONNECT_WAIT_MS: 500 is not less than OCELLUS_REDIS_CALL_TIMEOUT_MS \(500\)/,
    );
  });

  it('refuses short keys without echoing them', () => {
    const problems = problemsOf({ OCELLUS_ADMIN_KEYS: 'short-secret' });
    expect(problems[0]).toMatch(/^OCELLUS_ADMIN_KEYS/);
    expect(problems.join(' ')).not.toContain('short-secret');
  });

  it('refuses a public address without admin keys, and accepts it with them', () => {
    expect(problemsOf({ HOST: '0.0.0.0' })[0]).toContain('OCELLUS_ADMIN_KEYS');
    expect(loadConfig({ HOST: '0.0.0.0', OCELLUS_ADMIN_KEYS: 'a-long-enough-admin-key' }).host).toBe(
      '0.0.0.0',
    );
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com'].some(isLoopback)).toBe(false);
  });
});
