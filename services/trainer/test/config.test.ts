import { DEFAULT_MAX_EPOCHS } from '@ocellus/contracts';
import { loadTrainerConfig } from '@ocellus/trainer';
import { describe, expect, it } from 'vitest';

describe('loadTrainerConfig', () => {
  it('needs only REDIS_URL, and checks for stalled jobs more often than a lock lasts', () => {
    const config = loadTrainerConfig({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(config).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      prefix: 'ocellus',
      maxEpochs: DEFAULT_MAX_EPOCHS,
      concurrency: 1,
      maxStalledCount: 2,
    });
    expect(config.lockDurationMs).toBeGreaterThan(config.stalledIntervalMs);
    expect(config.registryRoot).toMatch(/models$/);
  });

  it('names every bad variable in one error', () => {
    expect(() =>
      loadTrainerConfig({
        REDIS_URL: 'http://x',
        OCELLUS_TRAINER_CONCURRENCY: '0',
        OCELLUS_QUEUE_PREFIX: 'a b',
      }),
    ).toThrow(/REDIS_URL[\s\S]*OCELLUS_QUEUE_PREFIX[\s\S]*OCELLUS_TRAINER_CONCURRENCY/);
  });
});
