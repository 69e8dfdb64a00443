import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliIo, run } from '@ocellus/cli';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs one command line in-process with captured streams; `tty` makes stdout look like a terminal. */
export async function ocellus(
  argv: string[],
  options: {
    cwd?: string;
    tty?: boolean;
    signal?: AbortSignal;
    env?: Record<string, string>;
    onStdout?: (text: string) => void;
  } = {},
): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: {
      write: (t: string) => {
        stdout += t;
        options.onStdout?.(t);
      },
      isTTY: options.tty ?? false,
      columns: 160,
    },
    stderr: { write: (t: string) => (stderr += t) },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** A job spec small enough for a unit test: a few hundred digits, seeded. */
export function tinySpec(overrides: Record<string, unknown>): Record<string, unknown> {
  return {
    task: 'classify',
    model: 'tiny-softmax',
    architecture: { type: 'linear', loss: 'softmax' },
    dataset: { name: 'mnist', train: 600, validation: 100, test: 300, seed: 3 },
    optimizer: { type: 'sgd', lr: 0.1 },
    schedule: { epochs: 2, batchSize: 50 },
    seed: 5,
    ...overrides,
  };
}

export async function writeJson(dir: string, file: string, value: unknown): Promise<string> {
  const path = join(dir, file);
  await writeFile(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return path;
}

export async function tempDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
