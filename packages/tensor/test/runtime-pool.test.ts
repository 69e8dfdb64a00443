import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gemm, gemmWith } from '@ocellus/tensor/gemm';
import { conv2dForward, conv2dGeometry } from '@ocellus/tensor/kernels';
import { exitWorkerDuringNextCall, poolStats } from '@ocellus/tensor/runtime';
import { describe, expect, it } from 'vitest';
import { errorRatio, matrix, reference } from './gemm-reference.js';
import { prng } from './seeded.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs an ES module snippet in a fresh Node process from the package folder (so `@ocellus/tensor/gemm` resolves). */
function runNode(source: string, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: packageDir,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function product(seed: number, m: number, n: number, k: number) {
  const next = prng(seed);
  const a = matrix(next, 'float32', m, k);
  const b = matrix(next, 'float32', k, n);
  const c = matrix(next, 'float32', m, n);
  const expected = reference(false, false, m, n, k, 1, a, b, 0, c);
  return { a, b, c, expected };
}

// The order matters: the first two tests see a pool that no call has started yet.
describe('the worker pool', () => {
  it('runs small products inline by default and never starts a worker for threads: 1', () => {
    const small = product(1, 8, 8, 8);
    gemm(false, false, 8, 8, 8, 1, small.a, small.b, 0, small.c);
    const large = product(2, 200, 200, 200);
    gemmWith({ threads: 1 })(false, false, 200, 200, 200, 1, large.a, large.b, 0, large.c);
    expect(poolStats()).toMatchObject({ workers: 0, started: 0 });
    expect(errorRatio(large.expected, large.c, 200, 200, 200, 'float32')).toBeLessThan(1);
  });

  it('runs products above the inline size on the pool', () => {
    const p = product(3, 300, 300, 300);
    gemmWith({ threads: 2, inlineBelow: 2 * 300 ** 3 })(false, false, 300, 300, 300, 1, p.a, p.b, 0, p.c);
    expect(poolStats().workers).toBe(1);
    expect(errorRatio(p.expected, p.c, 300, 300, 300, 'float32')).toBeLessThan(1);
  });

  it('fails the call in which a worker dies with a clear error, then replaces the worker', () => {
    const pooled = gemmWith({ threads: 3, inlineBelow: 0 });
    const warm = product(4, 64, 64, 64);
    pooled(false, false, 64, 64, 64, 1, warm.a, warm.b, 0, warm.c);
    const before = poolStats();
    exitWorkerDuringNextCall(2);
    const p = product(5, 150, 170, 90);
    expect(() => pooled(false, false, 150, 170, 90, 1, p.a, p.b, 0, p.c)).toThrow(
      /gemm worker 2 exited .*replaced/,
    );
    pooled(false, false, 150, 170, 90, 1, p.a, p.b, 0, p.c);
    expect(errorRatio(p.expected, p.c, 150, 170, 90, 'float32')).toBeLessThan(1);
    expect(poolStats()).toMatchObject({ workers: before.workers, started: before.started + 1 });
  });

  it('fails the convolution in which a worker dies, then replaces the worker', () => {
    const geo = conv2dGeometry({ n: 2, c: 3, h: 16, w: 16, outChannels: 8, kh: 3, kw: 3 });
    const x = new Float32Array(2 * 3 * 16 * 16).fill(1);
    const w = new Float32Array(8 * 27).fill(1);
    const out = new Float32Array(geo.positions * 8);
    const options = { path: 'direct', threads: 2, parallelMin: 0 } as const;
    conv2dForward(x, w, null, geo, out, undefined, options);
    const before = poolStats();
    exitWorkerDuringNextCall(1);
    expect(() => conv2dForward(x, w, null, geo, out, undefined, options)).toThrow(
      /igemm worker 1 exited .*replaced/,
    );
    out.fill(0);
    conv2dForward(x, w, null, geo, out, undefined, options);
    expect(out.every((v) => v === 27)).toBe(true);
    expect(poolStats()).toMatchObject({ workers: before.workers, started: before.started + 1 });
  });

  it('sizes the pool from OCELLUS_THREADS', () => {
    const result = runNode(
      `import { gemmInfo, gemmWith } from '@ocellus/tensor/gemm';
       import { poolStats } from '@ocellus/tensor/runtime';
       const f = (n) => ({ data: new Float32Array(new SharedArrayBuffer(n * n * 4)).fill(1), offset: 0, ld: n });
       const c = f(256);
       gemmWith({ inlineBelow: 0 })(false, false, 256, 256, 256, 1, f(256), f(256), 0, c);
       console.log(JSON.stringify({ threads: gemmInfo().threads, pool: poolStats(), c: c.data[777] }));`,
      { OCELLUS_THREADS: '3' },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      threads: 3,
      pool: { workers: 2, started: 2, workerUnits: 0 },
      c: 256,
    });
  });

  it('runs GEMM tiles and convolution units on one set of workers', () => {
    const result = runNode(
      `import { gemmWith } from '@ocellus/tensor/gemm';
       import { conv2dForward, conv2dGeometry } from '@ocellus/tensor/kernels';
       import { poolStats } from '@ocellus/tensor/runtime';
       const f = (n) => ({ data: new Float32Array(new SharedArrayBuffer(n * n * 4)).fill(1), offset: 0, ld: n });
       const c = f(64);
       gemmWith({ inlineBelow: 0 })(false, false, 64, 64, 64, 1, f(64), f(64), 0, c);
       const geo = conv2dGeometry({ n: 2, c: 3, h: 16, w: 16, outChannels: 8, kh: 3, kw: 3 });
       const out = new Float32Array(geo.positions * 8);
       const x = new Float32Array(2 * 3 * 16 * 16).fill(1);
       conv2dForward(x, new Float32Array(8 * 27).fill(1), null, geo, out, undefined, { path: 'direct', parallelMin: 0 });
       const { workers, started } = poolStats();
       console.log(JSON.stringify({ workers, started, c: c.data[100], out: out[5] }));`,
      { OCELLUS_THREADS: '3' },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ workers: 2, started: 2, c: 64, out: 27 });
  });

  it('does not keep the process alive once the work is done', () => {
    const started = Date.now();
    const result = runNode(
      `import { gemmWith } from '@ocellus/tensor/gemm';
       const f = (n) => ({ data: new Float32Array(new SharedArrayBuffer(n * n * 4)).fill(2), offset: 0, ld: n });
       const c = f(128);
       gemmWith({ threads: 2, inlineBelow: 0 })(false, false, 128, 128, 128, 1, f(128), f(128), 0, c);
       console.log(c.data[5]);`,
    );
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('512');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
