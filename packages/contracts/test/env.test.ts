import { DEFAULT_MAX_EPOCHS } from '@ocellus/contracts';
import { ConfigError, envInteger, parseEnv, redisUrlSchema, sharedSettings } from '@ocellus/contracts/env';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('envInteger', () => {
  const port = envInteger(8080, 0, 65_535);

  it('reads a trimmed whole number and falls back when unset', () => {
    expect(port.parse(' 9000 ')).toBe(9000);
    expect(port.parse(undefined)).toBe(8080);
  });

  it.each(['80a', '-1', '1.5', '65536', ''])('refuses %j', (value) => {
    const result = port.safeParse(value);
    expect(result.success).toBe(false);
  });

  it('says which whole numbers it takes', () => {
    expect(port.safeParse('x').error?.issues[0]?.message).toBe('expected a whole number between 0 and 65535');
  });
});

describe('shared settings', () => {
  const settings = z.object(sharedSettings);

  it('default to info logs, the ocellus prefix, the contract epoch cap and 500 ms progress', () => {
    expect(settings.parse({})).toEqual({
      LOG_LEVEL: 'info',
      OCELLUS_QUEUE_PREFIX: 'ocellus',
      OCELLUS_MAX_EPOCHS: DEFAULT_MAX_EPOCHS,
      OCELLUS_PROGRESS_INTERVAL_MS: 500,
    });
  });

  it('accept redis and rediss URLs only', () => {
    expect(redisUrlSchema.safeParse('redis://127.0.0.1:6379').success).toBe(true);
    expect(redisUrlSchema.safeParse('rediss://cache:6380').success).toBe(true);
    expect(redisUrlSchema.safeParse('http://x').success).toBe(false);
  });

  it('refuse a queue prefix with a space or over 64 characters', () => {
    const prefix = sharedSettings.OCELLUS_QUEUE_PREFIX;
    expect(prefix.safeParse('a b').success).toBe(false);
    expect(prefix.safeParse('x'.repeat(65)).success).toBe(false);
    expect(prefix.parse('tenant-1.jobs')).toBe('tenant-1.jobs');
  });
});

describe('parseEnv', () => {
  const schema = z.object({ PORT: envInteger(8080, 0, 65_535), REDIS_URL: redisUrlSchema.optional() });

  it('reads only the variables the schema names and treats an empty one as unset', () => {
    expect(parseEnv(schema, { PORT: '', REDIS_URL: 'redis://h:1', HOME: '/root' })).toEqual({
      PORT: 8080,
      REDIS_URL: 'redis://h:1',
    });
  });

  it('throws one ConfigError naming every bad variable, one line each, without the values', () => {
    const problems = problemsOf(() => parseEnv(schema, { PORT: 'secret-port', REDIS_URL: 'http://secret' }));
    expect(problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'REDIS_URL']);
    expect(problems.join('\n')).not.toContain('secret');
    expect(new ConfigError(problems).message).toBe(
      `invalid configuration:\n  - ${problems[0]}\n  - ${problems[1]}`,
    );
  });
});
