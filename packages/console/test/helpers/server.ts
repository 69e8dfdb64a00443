import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';

/** `services/api/dist/server.js`, the file `npm start` runs. */
const SERVER_ENTRY = join(dirname(createRequire(import.meta.url).resolve('@ocellus/api')), 'server.js');

export interface ConsoleServer {
  url: string;
  adminKey: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The API as `npm start` runs it, serving the built console, over a copy of the named shipped models (so
 * jobs, promotions and deletes never touch `models/`), with an admin key so the page has to ask for it.
 */
export async function startConsoleServer(models: readonly string[]): Promise<ConsoleServer> {
  const dir = await mkdtemp(join(tmpdir(), 'ocellus-console-'));
  const registry = join(dir, 'models');
  for (const model of models)
    await cp(join(DEFAULT_REGISTRY_ROOT, model), join(registry, model), { recursive: true });
  const adminKey = `console-test-${Math.random().toString(36).slice(2)}-key`;
  const child: ChildProcess = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      OCELLUS_REGISTRY_ROOT: registry,
      OCELLUS_ADMIN_KEYS: adminKey,
      OCELLUS_THREADS: '1',
      OCELLUS_PROGRESS_INTERVAL_MS: '100',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exited = once(child, 'exit');
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`the API did not start (exit ${child.exitCode}):\n${text}`);
    }
    if (url === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    adminKey,
    output: () => text,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
