import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { type AddressInfo, createServer } from 'node:net';
import { dirname, join } from 'node:path';

const resolve = createRequire(import.meta.url).resolve;
/** The files `npm start` and `npm run trainer` run, found through their packages. */
const API_ENTRY = join(dirname(resolve('@ocellus/api')), 'server.js');
const TRAINER_ENTRY = join(dirname(resolve('@ocellus/trainer')), 'main.js');

const STOP_TIMEOUT_MS = 20_000;

export interface Service {
  child: ChildProcess;
  /** What the process wrote so far (pino JSON lines). */
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown code runs, as in a crash. */
  kill(): Promise<void>;
}

export interface ApiService extends Service {
  url: string;
}

async function launch(
  entry: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<{ service: Service; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const append = (chunk: Buffer) => {
    text += chunk.toString();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = once(child, 'exit');
  const deadline = Date.now() + timeoutMs;
  let match = ready.exec(text);
  while (match === null) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${entry} did not start (exit ${child.exitCode}):\n${text}`);
    }
    await new Promise((r) => setTimeout(r, 25));
    match = ready.exec(text);
  }
  let stopping: Promise<number | null> | undefined;
  const service: Service = {
    child,
    output: () => text,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        // A process stuck on shutdown (say its Redis is gone) must not outlive the test.
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
        const [code] = await exited;
        clearTimeout(timer);
        return code as number | null;
      })();
      return stopping;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  return { service, match };
}

/** `npm start` on a port the OS picks; without REDIS_URL in `env` it trains jobs itself (embedded mode). */
export async function startApi(env: Record<string, string>): Promise<ApiService> {
  const { service, match } = await launch(
    API_ENTRY,
    { HOST: '127.0.0.1', PORT: '0', ...env },
    /Server listening at (http:\/\/127\.0\.0\.1:\d+)/,
  );
  return { ...service, url: match[1] ?? '' };
}

/** `npm run trainer`: a BullMQ worker; ready once it says it waits for jobs. */
export async function startTrainerProcess(env: Record<string, string>): Promise<Service> {
  return (await launch(TRAINER_ENTRY, env, /waiting for training jobs/)).service;
}

/**
 * A private redis-server this test can restart, with an append-only file fsynced on every write (the
 * persistence a BullMQ deployment runs with), so a restart keeps the queue and the job records.
 */
export async function startRedis(port: number, dir: string): Promise<Service> {
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'always',
      '--save',
      '',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 10_000;
  while (!/Ready to accept connections/.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`redis-server did not start:\n${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    child,
    output: () => text,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code as number | null;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
