import { EventEmitter } from 'node:events';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobHistoryEntry, JobRecord, JobStatus } from '@ocellus/contracts';
import { jobDir, jobsDir, writeFileAtomic } from '../job-files.js';
import {
  type JobEvent,
  type JobEventsOptions,
  type JobPatch,
  type JobStore,
  type ListJobsOptions,
  newerFirst,
  type StoredJobEvent,
} from './job-store.js';

const RECORD_FILE = 'record.json';
const EVENTS_FILE = 'events.jsonl';

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parseEvents(text: string | null): StoredJobEvent[] {
  return (text ?? '')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as StoredJobEvent);
}

/** Resolves on `wake` or when `signal` aborts, leaving no listener behind. */
function waitForWake(signal: AbortSignal | undefined, setWake: (wake: (() => void) | null) => void) {
  return new Promise<void>((resolve) => {
    const done = () => {
      signal?.removeEventListener('abort', done);
      setWake(null);
      resolve();
    };
    setWake(done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Records on disk beside the registry for embedded mode (one process owns them): `record.json` replaced
 * atomically, events appended to `events.jsonl` with a sequence number as their id. The records are
 * held in memory, so reads never wait for the disk and writes of one job are applied in order.
 */
export class FileJobStore implements JobStore {
  private readonly live = new EventEmitter();
  private readonly sequences = new Map<string, number>();
  private readonly writes = new Map<string, Promise<void>>();

  private constructor(
    private readonly root: string,
    private readonly records: Map<string, JobRecord>,
  ) {
    this.live.setMaxListeners(0);
  }

  static async open(registryRoot: string): Promise<FileJobStore> {
    const records = new Map<string, JobRecord>();
    // The folder appears with the first job, so a registry that never trains stays as it was.
    const ids = await readdir(jobsDir(registryRoot)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    for (const id of ids) {
      const text = await readOrNull(join(jobDir(registryRoot, id), RECORD_FILE));
      if (text !== null) records.set(id, JSON.parse(text) as JobRecord);
    }
    return new FileJobStore(registryRoot, records);
  }

  private file(id: string, name: string): string {
    return join(jobDir(this.root, id), name);
  }

  /** Chains a write after the job's previous ones. */
  private enqueue(id: string, write: () => Promise<void>): Promise<void> {
    const next = (this.writes.get(id) ?? Promise.resolve()).then(write);
    this.writes.set(
      id,
      next.catch(() => {}),
    );
    return next;
  }

  private persist(id: string): Promise<void> {
    return this.enqueue(id, async () => {
      const record = this.records.get(id);
      if (record) await writeFileAtomic(this.file(id, RECORD_FILE), JSON.stringify(record));
    });
  }

  async create(record: JobRecord): Promise<void> {
    this.records.set(record.id, structuredClone(record));
    this.sequences.set(record.id, 0);
    await this.persist(record.id);
  }

  async get(id: string): Promise<JobRecord | null> {
    const record = this.records.get(id);
    return record ? structuredClone(record) : null;
  }

  async status(id: string): Promise<JobStatus | null> {
    return this.records.get(id)?.status ?? null;
  }

  async list({ status, limit, after }: ListJobsOptions): Promise<JobRecord[]> {
    return [...this.records.values()]
      .filter((record) => status === undefined || record.status === status)
      .filter((record) => after === undefined || newerFirst(after, record) < 0)
      .sort(newerFirst)
      .slice(0, limit)
      .map((record) => structuredClone(record));
  }

  async counts(): Promise<Partial<Record<JobStatus, number>>> {
    const counts: Partial<Record<JobStatus, number>> = {};
    for (const { status } of this.records.values()) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }

  async update(id: string, patch: JobPatch, from: readonly JobStatus[] = []): Promise<boolean> {
    const record = this.records.get(id);
    if (!record || (from.length > 0 && !from.includes(record.status))) return false;
    Object.assign(record, structuredClone(patch));
    await this.persist(id);
    return true;
  }

  async appendHistory(id: string, entry: JobHistoryEntry): Promise<void> {
    const record = this.records.get(id);
    if (!record) return;
    record.history.push({ ...entry });
    await this.persist(id);
  }

  /** Numbers the event inside the job's write chain, so ids follow the order of the file. */
  async emit(id: string, event: JobEvent): Promise<void> {
    await this.enqueue(id, async () => {
      const file = this.file(id, EVENTS_FILE);
      const sequence = (this.sequences.get(id) ?? parseEvents(await readOrNull(file)).length) + 1;
      const stored: StoredJobEvent = { id: String(sequence), ...event };
      await appendFile(file, `${JSON.stringify(stored)}\n`);
      this.sequences.set(id, sequence);
      this.live.emit(id, stored);
    });
  }

  async *events(id: string, { after, follow, signal }: JobEventsOptions): AsyncGenerator<StoredJobEvent> {
    let last = Number.parseInt(after ?? '0', 10) || 0;
    const arrived: StoredJobEvent[] = [];
    let wake: (() => void) | null = null;
    const listener = (event: StoredJobEvent) => {
      arrived.push(event);
      wake?.();
    };
    // Listening before reading the file: an event written meanwhile is in both and skipped by its id.
    if (follow) this.live.on(id, listener);
    try {
      await this.writes.get(id);
      for (const event of [
        ...parseEvents(await readOrNull(this.file(id, EVENTS_FILE))),
        ...arrived.splice(0),
      ]) {
        if (Number(event.id) <= last) continue;
        last = Number(event.id);
        yield event;
      }
      while (follow && !signal?.aborted) {
        if (arrived.length === 0) await waitForWake(signal, (w) => (wake = w));
        for (const event of arrived.splice(0)) {
          if (Number(event.id) <= last) continue;
          last = Number(event.id);
          yield event;
        }
      }
    } finally {
      this.live.off(id, listener);
    }
  }

  /** Waits for every pending write. */
  async close(): Promise<void> {
    await Promise.all(this.writes.values());
  }
}
