import type { Redis, RedisOptions } from 'ioredis';
import type { RedisGuardConfig } from '../config.js';
import { ApiError } from '../errors.js';

/**
 * The API's job connections fail fast: with the offline queue on and retries per request, ioredis holds a
 * command until Redis is back (7-30 s per request in an outage); here a command fails at once when the
 * connection is down, one in flight fails when it drops, and reconnect attempts back off by ioredis's
 * default 50 ms a try to at most `retryMaxMs` apart.
 */
export function failFastRedisOptions({ retryMaxMs }: Pick<RedisGuardConfig, 'retryMaxMs'>) {
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt: number) => Math.min(attempt * 50, retryMaxMs),
  } satisfies RedisOptions;
}

export const queueUnavailable = () =>
  new ApiError(503, 'QUEUE_UNAVAILABLE', 'the training queue (Redis) is unreachable; try again shortly', {
    headers: { 'retry-after': '1' },
  });

/** What the job service runs its store and launcher calls through. */
export interface JobGuard {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Whether the backend answers now (readiness). */
  ready(): Promise<boolean>;
}

/** Embedded mode: records on local disk, nothing to wait for. */
export const unguarded: JobGuard = { run: (work) => work(), ready: async () => true };

const TIMED_OUT = Symbol('timed out');

function within<T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), Math.max(ms, 0));
  });
  // A call given up on may still fail later; that is not an unhandled rejection.
  work.catch(() => {});
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Bounds every job call on Redis: it waits briefly for the connections to be ready, then runs under a
 * deadline; a call that cannot start, runs out of time, or fails while a connection is down is answered
 * 503 QUEUE_UNAVAILABLE. Nothing is latched: the first call after ioredis reconnects goes through.
 */
export class RedisGuard implements JobGuard {
  constructor(
    private readonly connections: readonly Redis[],
    private readonly timing: Pick<RedisGuardConfig, 'callTimeoutMs' | 'reconnectWaitMs'>,
  ) {}

  /** Ready and writable: a socket the peer closed stops being writable before ioredis leaves 'ready'. */
  private get up(): boolean {
    return this.connections.every(
      (connection) => connection.status === 'ready' && connection.stream?.writable === true,
    );
  }

  private async reconnected(ms: number): Promise<boolean> {
    if (this.up) return true;
    let check = () => {};
    const back = new Promise<void>((resolve) => {
      check = () => this.up && resolve();
    });
    for (const connection of this.connections) connection.on('ready', check);
    try {
      return (await within(back, ms)) !== TIMED_OUT;
    } finally {
      for (const connection of this.connections) connection.off('ready', check);
    }
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const started = Date.now();
    if (!(await this.reconnected(this.timing.reconnectWaitMs))) throw queueUnavailable();
    let result: T | typeof TIMED_OUT;
    try {
      result = await within(work(), this.timing.callTimeoutMs - (Date.now() - started));
    } catch (error) {
      if (!this.up) throw queueUnavailable();
      throw error;
    }
    if (result === TIMED_OUT) throw queueUnavailable();
    return result;
  }

  /** PING on the connections the job routes use, so a readiness check opens none of its own. */
  async ready(): Promise<boolean> {
    return this.run(() => Promise.all(this.connections.map((connection) => connection.ping()))).then(
      () => true,
      () => false,
    );
  }
}
