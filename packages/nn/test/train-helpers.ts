import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Batch, Checkpoint, FitOptions, IndexedDataset } from '@ocellus/nn/train';
import { indexSelect, matmul, noGrad, Rng, randn, type Tensor, tensor } from '@ocellus/tensor';

type Optimizer = Exclude<FitOptions['optimizer'], (...args: never[]) => unknown>;
type OptimizerState = Checkpoint['optimizer'];

/** SGD with heavy-ball momentum (`v = μv - lr g; w += v`), so optimiser state matters on resume. */
export class MomentumSgd implements Optimizer {
  private velocity: Float32Array[];
  private steps = 0;
  /** Global gradient norm seen by each step, for clipping tests. */
  readonly gradNorms: number[] = [];

  constructor(
    readonly params: readonly Tensor[],
    public lr: number,
    readonly momentum = 0.9,
  ) {
    this.velocity = params.map((p) => new Float32Array(p.size));
  }

  step(): void {
    let squares = 0;
    noGrad(() => {
      this.params.forEach((p, i) => {
        if (!p.grad || !p.requiresGrad) return;
        const g = p.grad.values();
        const v = this.velocity[i]!;
        for (let k = 0; k < v.length; k++) {
          squares += g[k]! * g[k]!;
          v[k] = this.momentum * v[k]! - this.lr * g[k]!;
          p.data[k]! += v[k]!;
        }
      });
    });
    this.gradNorms.push(Math.sqrt(squares));
    this.steps++;
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  stateDict(): OptimizerState {
    return {
      type: 'momentum-sgd',
      step: this.steps,
      lr: this.lr,
      hyper: { momentum: this.momentum },
      slots: { velocity: this.velocity.map((v) => Float32Array.from(v)) },
    };
  }

  loadStateDict(state: OptimizerState): void {
    this.steps = state.step;
    this.lr = state.lr;
    this.velocity = (state.slots['velocity'] ?? []).map((v) => Float32Array.from(v ?? []));
  }
}

/** Linear regression `y = X w* + 0.1 ε` with `X [n, d]` standard normal: a convex MSE problem. */
export function regression(
  n: number,
  d: number,
  seed = 3,
): IndexedDataset<Tensor> & { x: Tensor; y: Tensor } {
  const rng = new Rng(seed);
  const x = randn([n, d], rng);
  const w = randn([d, 1], rng);
  const y = noGrad(() => matmul(x, w));
  const yv = y.values();
  for (let i = 0; i < n; i++) yv[i]! += 0.1 * rng.normal();
  return {
    size: n,
    x,
    y,
    batch: (indices): Batch<Tensor> => ({
      inputs: indexSelect(x, 0, indices),
      targets: indexSelect(y, 0, indices),
      size: indices.length,
    }),
  };
}

/**
 * The first `perClass` digits of each class from the mnist package: `src/digits/<d>.json` holds
 * `{"data": [...]}`, 784 grey levels in [0, 1] per digit, concatenated.
 */
export async function mnistDigits(perClass: number): Promise<{ images: Tensor; labels: Int32Array }> {
  const resolve = createRequire(import.meta.url).resolve;
  const pixels = new Float32Array(10 * perClass * 784);
  const labels = new Int32Array(10 * perClass);
  for (let digit = 0; digit < 10; digit++) {
    const path = resolve(`mnist/src/digits/${digit}.json`);
    const { data } = JSON.parse(await readFile(path, 'utf8')) as { data: number[] };
    if (data.length % 784 !== 0) throw new Error(`mnist ${digit}.json: ${data.length} values is not n x 784`);
    for (let k = 0; k < perClass; k++) {
      const row = digit * perClass + k;
      pixels.set(data.slice(k * 784, (k + 1) * 784), row * 784);
      labels[row] = digit;
    }
  }
  return { images: tensor(pixels, [10 * perClass, 784]), labels };
}
