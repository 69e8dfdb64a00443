import type { FastifyBaseLogger } from 'fastify';
import type { ModelCache } from './model-cache.js';

/** First retry after a failed load of a production version; doubles up to `MAX_RETRY_MS`. */
export const FIRST_RETRY_MS = 1000;
export const MAX_RETRY_MS = 60_000;

interface Wanted {
  name: string;
  version: number;
  attempt: Promise<void>;
  timer: NodeJS.Timeout | undefined;
  delayMs: number;
}

/**
 * Keeps every `production` version loaded: each is loaded once wanted, and a failed load is retried with
 * exponential backoff (logged with the model and the reason) until it loads or stops being wanted.
 */
export class StartupLoads {
  private readonly wanted = new Map<string, Wanted>();
  private stopped = false;

  constructor(
    private readonly cache: ModelCache,
    private readonly log: FastifyBaseLogger,
  ) {}

  want(versions: readonly { name: string; version: number }[]): void {
    const keys = new Set(versions.map(({ name, version }) => `${name}@${version}`));
    for (const [key, entry] of this.wanted) {
      if (keys.has(key)) continue;
      clearTimeout(entry.timer);
      this.wanted.delete(key);
    }
    for (const { name, version } of versions) {
      const key = `${name}@${version}`;
      if (this.wanted.has(key) || this.stopped) continue;
      const entry: Wanted = {
        name,
        version,
        attempt: Promise.resolve(),
        timer: undefined,
        delayMs: FIRST_RETRY_MS,
      };
      this.wanted.set(key, entry);
      entry.attempt = this.load(key, entry);
    }
  }

  /** Resolves when each wanted version's first attempt has finished, loaded or not. */
  async settled(): Promise<void> {
    await Promise.all([...this.wanted.values()].map((entry) => entry.attempt));
  }

  stop(): void {
    this.stopped = true;
    for (const entry of this.wanted.values()) clearTimeout(entry.timer);
    this.wanted.clear();
  }

  private async load(key: string, entry: Wanted): Promise<void> {
    try {
      await this.cache.get(entry.name, entry.version);
      this.log.info({ model: entry.name, version: entry.version }, 'model loaded');
    } catch (error) {
      if (this.stopped || this.wanted.get(key) !== entry) return;
      const retryMs = entry.delayMs;
      entry.delayMs = Math.min(MAX_RETRY_MS, entry.delayMs * 2);
      this.log.warn(
        { model: entry.name, version: entry.version, reason: (error as Error).message, retryMs },
        'model not loaded; retrying',
      );
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        this.cache.forget(entry.name, entry.version);
        entry.attempt = this.load(key, entry);
      }, retryMs);
      entry.timer.unref();
    }
  }
}
