import { appendFileSync } from 'node:fs';
import type { Module, TensorModule } from '@ocellus/nn/module';
import { type GradCheckResult, gradCheck, gt, mul, Rng, rand, type Tensor, where } from '@ocellus/tensor';

export const rng = new Rng(11);

/** Uniform float64 in [low, high). */
export const r64 = (shape: number[], low = -1, high = 1, source = rng): Tensor =>
  rand(shape, source, { low, high, dtype: 'float64' });

/** Values at least 0.1 away from 0, so kinked activations are checked off their kink. */
export const offKink = (shape: number[]): Tensor =>
  mul(r64(shape, 0.1, 1), where(gt(r64(shape), 0), 1, -1)).detach();

/** Gradient check of a module's output w.r.t. its input and every parameter. */
export function checkModule(module: Module & TensorModule, x: Tensor): GradCheckResult {
  return checkFn((input) => module.forward(input), x, module.parameters());
}

export function checkFn(fn: (x: Tensor) => Tensor, x: Tensor, params: Tensor[]): GradCheckResult {
  for (const p of params) if (p.dtype !== 'float64') throw new Error('check float64 parameters');
  return gradCheck((input) => fn(input), [x, ...params]);
}

/** When GRADCHECK_LOG names a file, each named error is appended to it (for the closing note). */
export function logError(name: string, kind: 'grad' | 'parity', error: number): void {
  const file = process.env['GRADCHECK_LOG'];
  if (file) appendFileSync(file, `${kind}\t${name}\t${error.toExponential(2)}\n`);
}

/** Asserts a gradient check under `tol` and logs it. */
export function expectGradCheck(name: string, result: GradCheckResult, tol: number): void {
  logError(name, 'grad', result.maxRelError);
  if (!(result.maxRelError < tol)) {
    throw new Error(
      `${name}: gradient check ${result.maxRelError} >= ${tol} at ${JSON.stringify(result.worst)}`,
    );
  }
}

/** Element-wise |a - e| <= atol + rtol |e|, naming the first element that is off. */
export function expectAllClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol = 1e-12,
  atol = 1e-12,
): void {
  if (actual.length !== expected.length)
    throw new Error(`length ${actual.length} differs from ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) throw new Error(`element ${i}: ${a} vs ${e}`);
  }
}
