import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openRegistry } from '@ocellus/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, tinySpec, writeJson } from './helpers.js';

const BIN = fileURLToPath(new URL('../bin/ocellus.js', import.meta.url));

let dir: { path: string; remove: () => Promise<void> };
beforeAll(async () => {
  dir = await tempDir('ocellus-cli-bin-');
});
afterAll(async () => {
  await dir.remove();
});

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; done: Promise<Finished>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir.path, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Finished>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done, output: () => stdout };
}

describe('the ocellus executable', () => {
  it('sets the exit code: 0 for a listing, 2 for a usage error', async () => {
    const listing = await start(['models', '--registry', 'empty']).done;
    expect(listing).toEqual({ code: 0, stdout: `no models in ${dir.path}/empty\n`, stderr: '' });
    const usage = await start(['eval']).done;
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^ocellus: usage: ocellus eval /);
  });

  it('stops training cleanly on Ctrl-C (SIGINT): exit 130, nothing published', async () => {
    const spec = await writeJson(
      dir.path,
      'long.json',
      tinySpec({
        model: 'tiny-long',
        dataset: { name: 'mnist', train: 4000, validation: 100, test: 100, seed: 3 },
        schedule: { epochs: 200 },
      }),
    );
    const run = start(['train', spec, '--registry', 'registry']);
    await expect.poll(run.output, { timeout: 60_000, interval: 100 }).toContain('progress');
    run.child.kill('SIGINT');
    const { code, stderr } = await run.done;
    expect(code).toBe(130);
    expect(stderr).toContain('ocellus: stopping (Ctrl-C again to quit now)');
    expect(stderr.trimEnd().split('\n').at(-1)).toBe('ocellus: train interrupted');
    expect(await openRegistry(`${dir.path}/registry`).listModels()).toEqual([]);
  }, 120_000);
});
