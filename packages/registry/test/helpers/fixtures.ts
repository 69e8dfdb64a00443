import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PublishInput, TensorRecord } from '@ocellus/registry';

const CHILD = fileURLToPath(new URL('./registry-child.mjs', import.meta.url));

/** A fresh folder holding a `registry` root; `cleanup` removes both. */
export async function tempRegistryRoot(): Promise<{
  dir: string;
  root: string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'ocellus-registry-'));
  return { dir, root: join(dir, 'registry'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Tensors whose values depend on `seed`, so two publishes can be told apart after loading. */
export function sampleTensors(seed: number): Record<string, TensorRecord> {
  return {
    'conv1.weight': {
      dtype: 'F32',
      shape: [2, 1, 3, 3],
      data: Float32Array.from({ length: 18 }, (_, i) => seed + i / 8),
    },
    'conv1.bias': { dtype: 'F64', shape: [2], data: Float64Array.from([seed, -seed]) },
    'fc.indices': { dtype: 'I32', shape: [3], data: Int32Array.from([seed, -7, 2 ** 31 - 1]) },
    mask: { dtype: 'U8', shape: [5], data: Uint8Array.from([1, 0, 255, seed % 256, 3]) },
  };
}

export function sampleInput(seed: number, trainingJobId?: string): PublishInput {
  return {
    task: 'classify',
    architecture: { type: 'cnn', blocks: [{ conv: 2 }] },
    inputSpec: { channels: 1, height: 28, width: 28 },
    preprocessing: { normalize: 'standard', mean: 0.1307 },
    labels: ['0', '1'],
    metrics: { accuracy: 0.5 + seed / 100 },
    tensors: sampleTensors(seed),
    ...(trainingJobId === undefined ? {} : { trainingJobId }),
  };
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `registry-child.mjs` in its own Node process (see that file); killed if still running after `timeoutMs`. */
export function runChild(command: Record<string, unknown>, timeoutMs = 30_000): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(command)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function tensorValues(tensors: Record<string, TensorRecord>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(tensors).map(([name, t]) => [
      name,
      { dtype: t.dtype, shape: t.shape, data: Array.from(t.data) },
    ]),
  );
}
