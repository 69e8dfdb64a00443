import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { JobRecord, JobSpecInput } from '@ocellus/contracts';
import { describe, expect, it } from 'vitest';
import { testDigits } from '../jobs/helpers/digits.js';

/** The stack that `run.sh` built: docker-compose.yml with this folder's override, under its own project name. */
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const URL_BASE = required('OCELLUS_COMPOSE_URL');
const PROJECT = required('COMPOSE_PROJECT_NAME');
const ADMIN = { authorization: `Bearer ${required('OCELLUS_ADMIN_KEYS').split(',')[0]}` };
const API_IMAGE = `ocellus-api:${required('OCELLUS_TAG')}`;
/** Generous bounds on a shared 2-core machine; the figures measured are printed at the end. */
const READY_MS = 180_000;
const JOB_MS = 240_000;
/** docker-compose.test.yml's lock duration and stalled interval, plus restarts and Redis round trips. */
const TAKEOVER_MS = 5000 + 2500 + 30_000;

const run = promisify(execFile);
const figures: Record<string, number> = {};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite through test/compose/run.sh`);
  return value;
}

async function compose(...args: string[]): Promise<string> {
  return (await run('docker-compose', args, { cwd: REPO, maxBuffer: 64 * 2 ** 20 })).stdout;
}

async function docker(...args: string[]): Promise<string> {
  return (await run('docker', args, { maxBuffer: 64 * 2 ** 20 })).stdout.trim();
}

/** Ids of the project's running containers of one service. */
async function containers(service: string): Promise<string[]> {
  const out = await docker(
    'ps',
    '--quiet',
    '--filter',
    `label=com.docker.compose.project=${PROJECT}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  );
  return out === '' ? [] : out.split('\n');
}

/** The pino lines a container logged about one job: `msg` and `epoch` of each. */
async function jobLog(container: string, job: string): Promise<{ msg: string; epoch?: number }[]> {
  const { stdout } = await run('docker', ['logs', container], { maxBuffer: 64 * 2 ** 20 });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(job))
    .map((line) => JSON.parse(line) as { msg: string; epoch?: number });
}

/** The trainers that logged `msg` about one job, once one has (a record can change before the line is out). */
const trainersThatLogged = (job: string, msg: string) =>
  until(`a trainer to log "${msg}" for job ${job}`, 30_000, async () => {
    const found = [];
    for (const c of await containers('trainer'))
      if ((await jobLog(c, job)).some((l) => l.msg === msg)) found.push(c);
    return found.length > 0 ? found : undefined;
  });

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Every request is bounded: while a container starts, Docker's port proxy can hold a connection open with
 * nothing behind it, and fetch would wait minutes for headers.
 */
const http = (path: string, init: RequestInit = {}, timeoutMs = 30_000) =>
  fetch(`${URL_BASE}${path}`, { ...init, signal: AbortSignal.timeout(timeoutMs) });

const ready = () =>
  http('/v2/health/ready', {}, 2000).then(
    (response) => (response.ok ? true : undefined),
    () => undefined,
  );

async function submit(spec: JobSpecInput): Promise<string> {
  const response = await http('/v1/jobs', {
    method: 'POST',
    headers: { ...ADMIN, 'content-type': 'application/json' },
    body: JSON.stringify(spec),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

async function job(id: string): Promise<JobRecord> {
  const response = await http(`/v1/jobs/${id}`, { headers: ADMIN });
  if (!response.ok) throw new Error(`GET /v1/jobs/${id}: ${response.status}`);
  return (await response.json()) as JobRecord;
}

const jobUntil = (id: string, timeoutMs: number, test: (record: JobRecord) => boolean) =>
  until(`job ${id}`, timeoutMs, async () => {
    const record = await job(id);
    if (record.status === 'FAILED') throw new Error(`job ${id} failed: ${record.failureReason}`);
    return test(record) ? record : undefined;
  });

async function versions(model: string): Promise<{ versions: number[]; aliases: Record<string, number> }> {
  return (await (await http(`/v1/models/${model}`)).json()) as {
    versions: number[];
    aliases: Record<string, number>;
  };
}

async function classify(model: string, png: Buffer) {
  const response = await http(`/v1/classify?model=${model}&topk=1`, {
    method: 'POST',
    headers: { 'content-type': 'image/png' },
    body: png,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { version: number; results: { predictions: { label: string }[] }[] };
}

/** A softmax on 300 digits, 2 epochs: seconds of training. */
const quickSpec = (model: string): JobSpecInput => ({
  task: 'classify',
  model,
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
  schedule: { epochs: 2, batchSize: 16 },
  promote: 'production',
});

/** An MLP stepped four digits at a time, a checkpoint every epoch: long enough to kill its trainer mid-job. */
const resumableSpec = (model: string): JobSpecInput => ({
  ...quickSpec(model),
  architecture: { type: 'mlp', hidden: [256] },
  dataset: { name: 'mnist', train: 6000, validation: 100, test: 200 },
  schedule: { epochs: 4, batchSize: 4 },
});

describe(`docker-compose.yml (project ${PROJECT})`, () => {
  it('refuses to start the API without admin keys', async () => {
    const { OCELLUS_ADMIN_KEYS: _, ...withoutKeys } = process.env;
    const config = run('docker-compose', ['config', '--quiet'], { cwd: REPO, env: withoutKeys });
    await expect(config).rejects.toThrow(/OCELLUS_ADMIN_KEYS/);
    const alone = run('docker', ['run', '--rm', API_IMAGE]);
    await expect(alone).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/OCELLUS_ADMIN_KEYS/),
    });
  });

  it('comes up ready and warning-free, two trainers beside the API, each non-root under tini', async () => {
    const started = Date.now();
    await compose('up', '--detach', '--no-build');
    await until('/v2/health/ready', READY_MS, ready);
    figures.readyMs = Date.now() - started;
    expect(await containers('trainer')).toHaveLength(2);
    for (const id of [...(await containers('api')), ...(await containers('trainer'))]) {
      expect(await docker('exec', id, 'id', '-u')).toBe('1000');
      expect(await docker('exec', id, 'cat', '/proc/1/comm')).toBe('tini');
    }
    const [api] = await containers('api');
    // A folder in the registry that is not a model, say, is a warning at every start.
    const { stdout, stderr } = await run('docker', ['logs', api!]);
    expect(`${stdout}${stderr}`.split('\n').filter((line) => /"level":[456]0/.test(line))).toEqual([]);
    await until('the API container to be healthy', READY_MS, async () =>
      (await docker('inspect', '--format', '{{.State.Health.Status}}', api!)) === 'healthy'
        ? true
        : undefined,
    );
  });

  it('serves the console page at /', async () => {
    const page = await http('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('classifies a digit with a shipped model', async () => {
    const [digit] = await testDigits(1);
    const reply = await classify('digits-cnn', digit!.png);
    expect(reply.results[0]?.predictions[0]?.label).toBe(digit!.label);
  });

  it('trains a job on one of the two trainers and serves the new version', async () => {
    const started = Date.now();
    const id = await submit(quickSpec('compose-digits'));
    const done = await jobUntil(id, JOB_MS, (r) => r.status === 'SUCCEEDED');
    figures.quickJobMs = Date.now() - started;
    expect(done.result).toMatchObject({ model: 'compose-digits', version: 1 });
    expect(await trainersThatLogged(id, 'job succeeded')).toHaveLength(1);
    expect(await versions('compose-digits')).toMatchObject({ versions: [1], aliases: { production: 1 } });
    const [digit] = await testDigits(1);
    expect((await classify('compose-digits', digit!.png)).version).toBe(1);
  });

  it('finishes a job on the other trainer, from its checkpoint, when the first is killed mid-job', async () => {
    const started = Date.now();
    const id = await submit(resumableSpec('compose-resumed'));
    // The trainer that wrote the first checkpoint runs the job; kill it while the next epoch trains.
    const [doomed, before] = await until('the first checkpoint', JOB_MS, async () => {
      for (const c of await containers('trainer')) {
        const epochs = (await jobLog(c, id))
          .filter((l) => l.msg === 'checkpoint written')
          .map((l) => l.epoch);
        if (epochs.length > 0) return [c, Math.max(...(epochs as number[]))] as const;
      }
      return undefined;
    });
    expect(before).toBeLessThan(4);
    expect(await job(id)).toMatchObject({ status: 'RUNNING', attemptsMade: 1 });
    await docker('kill', doomed);
    const killed = Date.now();
    await jobUntil(id, TAKEOVER_MS, (r) => r.attemptsMade === 2);
    figures.takeoverMs = Date.now() - killed;
    const done = await jobUntil(id, JOB_MS, (r) => r.status === 'SUCCEEDED');
    figures.resumedJobMs = Date.now() - started;
    expect(done).toMatchObject({ attemptsMade: 2, result: { model: 'compose-resumed', version: 1 } });
    const [survivor] = await trainersThatLogged(id, 'job succeeded');
    expect(survivor).not.toBe(doomed);
    const after = (await jobLog(survivor!, id)).filter((l) => l.msg === 'checkpoint written');
    // Resumed, not restarted: the survivor's checkpoints all come after the killed trainer's.
    expect(Math.min(...after.map((l) => l.epoch ?? 0))).toBeGreaterThan(before);
    expect(await versions('compose-resumed')).toMatchObject({ versions: [1], aliases: { production: 1 } });
  });

  it('recovers from a Redis restart with its jobs kept in the append-only file', async () => {
    const [redis] = await containers('redis');
    expect(await docker('exec', redis!, 'redis-cli', 'config', 'get', 'appendonly')).toMatch(
      /appendonly\s+yes/,
    );
    const before = (await (await http('/v1/jobs?limit=100', { headers: ADMIN })).json()) as unknown[];
    const restarted = Date.now();
    await compose('restart', 'redis');
    await until('/v2/health/ready after the restart', READY_MS, ready);
    figures.redisRecoveryMs = Date.now() - restarted;
    const after = (await (await http('/v1/jobs?limit=100', { headers: ADMIN })).json()) as unknown[];
    expect(after).toHaveLength(before.length);
    const id = await submit(quickSpec('compose-after-redis'));
    await jobUntil(id, JOB_MS, (r) => r.status === 'SUCCEEDED');
    expect(await versions('compose-after-redis')).toMatchObject({ versions: [1] });
  });

  it('leaves no container, volume or network behind after down -v', async () => {
    await writeFile(required('OCELLUS_COMPOSE_LOGS'), await compose('logs', '--no-color', '--timestamps'));
    await compose('down', '--volumes');
    const label = `label=com.docker.compose.project=${PROJECT}`;
    expect(await docker('ps', '--all', '--quiet', '--filter', label)).toBe('');
    expect(await docker('volume', 'ls', '--quiet', '--filter', label)).toBe('');
    expect(await docker('network', 'ls', '--quiet', '--filter', label)).toBe('');
    console.log(JSON.stringify({ compose: figures }));
  });
});
