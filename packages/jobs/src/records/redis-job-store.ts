import type { JobHistoryEntry, JobRecord, JobStatus } from '@ocellus/contracts';
import type { Redis } from 'ioredis';
import type {
  JobEvent,
  JobEventsOptions,
  JobPatch,
  JobStore,
  ListJobsOptions,
  StoredJobEvent,
} from './job-store.js';

// Checks the status and writes the fields in one step, so a cancel and a worker's update never interleave;
// a status change moves one count in the per-status tally (KEYS[2]) in the same step.
const UPDATE_IF_STATUS = `
local status = redis.call('HGET', KEYS[1], 'status')
if not status then return 0 end
if ARGV[1] ~= '' then
  local allowed = false
  for s in string.gmatch(ARGV[1], '[^,]+') do
    if s == status then allowed = true end
  end
  if not allowed then return 0 end
end
if #ARGV > 1 then redis.call('HSET', KEYS[1], unpack(ARGV, 2)) end
for i = 2, #ARGV - 1, 2 do
  if ARGV[i] == 'status' and ARGV[i + 1] ~= status then
    redis.call('HINCRBY', KEYS[2], status, -1)
    redis.call('HINCRBY', KEYS[2], ARGV[i + 1], 1)
  end
end
return 1`;

/** Events kept per job: progress is throttled, so this covers hours of training plus the logs. */
const EVENTS_KEPT = 5000;
const REPLAY_PAGE = 500;
const FOLLOW_BLOCK_MS = 10_000;
const STREAM_ID = /^\d+-\d+$/;

type Fields = Record<string, string>;

function encode(patch: JobPatch | JobRecord): Fields {
  const fields: Fields = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === 'id' || key === 'history') continue;
    fields[key] = key === 'status' ? String(value) : JSON.stringify(value);
  }
  return fields;
}

function decode(id: string, fields: Fields, history: string[]): JobRecord | null {
  if (fields.status === undefined || fields.spec === undefined) return null;
  const json = (key: string) => JSON.parse(fields[key] ?? 'null');
  return {
    id,
    status: fields.status as JobStatus,
    phase: json('phase'),
    spec: json('spec'),
    progress: json('progress'),
    history: history.map((entry) => JSON.parse(entry) as JobHistoryEntry),
    attemptsMade: json('attemptsMade') ?? 0,
    failureReason: json('failureReason'),
    result: json('result'),
    createdAt: json('createdAt'),
    startedAt: json('startedAt'),
    endedAt: json('endedAt'),
  };
}

function toEvent([id, fields]: [string, string[]]): StoredJobEvent {
  const name = fields[fields.indexOf('name') + 1];
  const data = fields[fields.indexOf('data') + 1];
  return { id, ...({ name, data: JSON.parse(data ?? 'null') } as JobEvent) };
}

/**
 * Records in Redis: a hash per job (status raw, other fields JSON), its history as a list, its events
 * as a capped stream (replayable by id, followed with XREAD BLOCK), a sorted set by creation time, and
 * a hash counting the jobs in each status.
 */
export class RedisJobStore implements JobStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(id: string, part = ''): string {
    return `${this.prefix}:job:${id}${part}`;
  }

  private get index(): string {
    return `${this.prefix}:jobs`;
  }

  /** Jobs per status, kept by create and update so counting never reads the records. */
  private get tally(): string {
    return `${this.prefix}:job-counts`;
  }

  async create(record: JobRecord): Promise<void> {
    await this.redis
      .multi()
      .hset(this.key(record.id), encode(record))
      .zadd(this.index, Date.parse(record.createdAt), record.id)
      .hincrby(this.tally, record.status, 1)
      .exec();
  }

  async get(id: string): Promise<JobRecord | null> {
    const results = await this.redis
      .multi()
      .hgetall(this.key(id))
      .lrange(this.key(id, ':history'), 0, -1)
      .exec();
    const [fields, history] = (results ?? []).map(([error, value]) => {
      if (error) throw error;
      return value;
    });
    return decode(id, (fields ?? {}) as Fields, (history ?? []) as string[]);
  }

  async status(id: string): Promise<JobStatus | null> {
    return (await this.redis.hget(this.key(id), 'status')) as JobStatus | null;
  }

  /**
   * Walks the index newest first (score desc, then id desc, as ZREVRANGEBYSCORE orders ties) from the
   * cursor's score, reading statuses in one round trip per page and whole records only for the jobs kept.
   */
  async list({ status, limit, after }: ListJobsOptions): Promise<JobRecord[]> {
    const found: JobRecord[] = [];
    const page = Math.max(limit, 50);
    const afterScore = after === undefined ? undefined : Date.parse(after.createdAt);
    const max = afterScore === undefined ? '+inf' : String(afterScore);
    for (let offset = 0; found.length < limit; offset += page) {
      const flat = await this.redis.zrevrangebyscore(
        this.index,
        max,
        '-inf',
        'WITHSCORES',
        'LIMIT',
        offset,
        page,
      );
      const ids: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i]!;
        if (after !== undefined && Number(flat[i + 1]) === afterScore && id >= after.id) continue;
        ids.push(id);
      }
      let kept = ids;
      if (status !== undefined && ids.length > 0) {
        const statuses = await Promise.all(ids.map((id) => this.status(id)));
        kept = ids.filter((_, i) => statuses[i] === status);
      }
      const records = await Promise.all(kept.slice(0, limit - found.length).map((id) => this.get(id)));
      for (const record of records) {
        if (record !== null && (status === undefined || record.status === status)) found.push(record);
      }
      if (flat.length < 2 * page) break;
    }
    return found.slice(0, limit);
  }

  async counts(): Promise<Partial<Record<JobStatus, number>>> {
    const tally = await this.redis.hgetall(this.tally);
    return Object.fromEntries(
      Object.entries(tally)
        .map(([status, count]) => [status, Number(count)] as const)
        .filter(([, count]) => count > 0),
    );
  }

  async update(id: string, patch: JobPatch, from: readonly JobStatus[] = []): Promise<boolean> {
    const pairs = Object.entries(encode(patch)).flat();
    const applied = await this.redis.eval(
      UPDATE_IF_STATUS,
      2,
      this.key(id),
      this.tally,
      from.join(','),
      ...pairs,
    );
    return applied === 1;
  }

  async appendHistory(id: string, entry: JobHistoryEntry): Promise<void> {
    await this.redis.rpush(this.key(id, ':history'), JSON.stringify(entry));
  }

  async emit(id: string, event: JobEvent): Promise<void> {
    await this.redis.xadd(
      this.key(id, ':events'),
      'MAXLEN',
      '~',
      EVENTS_KEPT,
      '*',
      'name',
      event.name,
      'data',
      JSON.stringify(event.data),
    );
  }

  async *events(id: string, { after, follow, signal }: JobEventsOptions): AsyncGenerator<StoredJobEvent> {
    const key = this.key(id, ':events');
    let last = after !== undefined && STREAM_ID.test(after) ? after : '0-0';
    for (;;) {
      const page = await this.redis.xrange(key, `(${last}`, '+', 'COUNT', REPLAY_PAGE);
      for (const entry of page) {
        last = entry[0];
        yield toEvent(entry);
      }
      if (page.length < REPLAY_PAGE) break;
    }
    if (!follow || signal?.aborted) return;
    // A blocked XREAD holds its connection, so each follower reads on its own one; its first XREAD waits for
    // it to connect even when the caller's connection refuses commands while down (enableOfflineQueue: false).
    const reader = this.redis.duplicate({
      connectionName: `${this.prefix}-job-events`,
      enableOfflineQueue: true,
    });
    reader.on('error', () => {});
    const stop = () => reader.disconnect();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      while (!signal?.aborted) {
        const reply = await reader.xread('BLOCK', FOLLOW_BLOCK_MS, 'STREAMS', key, last);
        for (const entry of reply?.[0]?.[1] ?? []) {
          last = entry[0];
          yield toEvent(entry);
        }
      }
    } catch (error) {
      if (!signal?.aborted) throw error;
    } finally {
      signal?.removeEventListener('abort', stop);
      reader.disconnect();
    }
  }

  /** The store owns its connection. */
  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
