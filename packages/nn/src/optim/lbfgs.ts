import type { Tensor } from '@ocellus/tensor';
import { FlatView, maxAbs } from './flat.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { checkParameters, checkRate, hyperparameter } from './parameters.js';
import { dot, strongWolfe } from './strong-wolfe.js';

export interface LbfgsOptions {
  /** Initial step (line search) or fixed step (no line search); default 1. */
  lr?: number;
  /** Iterations per `step()` (default 20). */
  maxIter?: number;
  /** Function evaluations per `step()` (default maxIter * 5 / 4). */
  maxEval?: number;
  /** Stop when every gradient component is at most this (default 1e-7). */
  toleranceGrad?: number;
  /** Stop when the loss or the step changes by less (default 1e-9). */
  toleranceChange?: number;
  /** Pairs (s, y) kept (default 100). */
  historySize?: number;
  /** Strong-Wolfe line search (default here; torch defaults to none) or a fixed step of lr. */
  lineSearch?: 'strong-wolfe' | 'none';
}

const SCALARS = [
  'maxIter',
  'maxEval',
  'toleranceGrad',
  'toleranceChange',
  'historySize',
  'strongWolfe',
  'iterations',
  'evaluations',
  't',
  'hDiag',
  'prevLoss',
] as const;

/** Zeroes the gradients, computes the loss, calls `backward()` and returns the loss. */
export type Closure = () => number | Tensor;

/**
 * L-BFGS (Nocedal & Wright Algorithm 7.4, two-loop recursion) for small full-batch problems, step for
 * step torch.optim.LBFGS: `step(closure)` runs up to maxIter iterations, each with a strong-Wolfe line
 * search, and returns the loss before them. State (history, direction, counters) is in the state dict.
 */
export class LBFGS implements Optimizer {
  readonly params: readonly Tensor[];
  lr: number;
  maxIter: number;
  maxEval: number;
  toleranceGrad: number;
  toleranceChange: number;
  historySize: number;
  lineSearch: 'strong-wolfe' | 'none';
  private readonly flat: FlatView;
  private steps = 0;
  private nIter = 0;
  private funcEvals = 0;
  private d: Float64Array | null = null;
  private t = 0;
  private oldDirs: Float64Array[] = [];
  private oldStps: Float64Array[] = [];
  private ro: number[] = [];
  private hDiag = 1;
  private prevFlatGrad: Float64Array | null = null;
  private prevLoss = 0;

  constructor(params: Iterable<Tensor>, options: LbfgsOptions = {}) {
    this.params = checkParameters(params, 'lbfgs');
    this.flat = new FlatView(this.params);
    this.lr = checkRate('lr', options.lr ?? 1, { positive: true });
    this.maxIter = options.maxIter ?? 20;
    this.maxEval = options.maxEval ?? Math.floor((this.maxIter * 5) / 4);
    this.toleranceGrad = options.toleranceGrad ?? 1e-7;
    this.toleranceChange = options.toleranceChange ?? 1e-9;
    this.historySize = options.historySize ?? 100;
    this.lineSearch = options.lineSearch ?? 'strong-wolfe';
    if (!(this.maxIter >= 1 && this.maxEval >= 1 && this.historySize >= 1)) {
      throw new Error('LBFGS: maxIter, maxEval and historySize must be at least 1');
    }
  }

  /** Total iterations and function evaluations so far. */
  get counters(): { iterations: number; evaluations: number } {
    return { iterations: this.nIter, evaluations: this.funcEvals };
  }

  step(closure?: Closure): number {
    if (!closure) {
      throw new Error(
        'LBFGS.step needs a closure: zero the gradients, compute the loss, backward(), return it',
      );
    }
    this.steps++;
    const evaluate = (): number => {
      const v = closure();
      return typeof v === 'number' ? v : v.item();
    };
    const origLoss = evaluate();
    let loss = origLoss;
    let currentEvals = 1;
    this.funcEvals++;
    let flatGrad = this.flat.gradient();
    let optimal = maxAbs(flatGrad) <= this.toleranceGrad;
    if (optimal) return origLoss;

    let nIter = 0;
    while (nIter < this.maxIter) {
      nIter++;
      this.nIter++;
      const d = this.nIter === 1 ? this.startHistory(flatGrad) : this.direction(flatGrad);
      this.d = d;
      this.prevFlatGrad = flatGrad.slice();
      this.prevLoss = loss;
      let t =
        this.nIter === 1 ? Math.min(1, 1 / flatGrad.reduce((s, v) => s + Math.abs(v), 0)) * this.lr : this.lr;
      const gtd = dot(flatGrad, d);
      this.t = t;
      if (gtd > -this.toleranceChange) break;

      let lsEvals = 0;
      if (this.lineSearch === 'strong-wolfe') {
        const x0 = this.flat.snapshot();
        const objective = (step: number) => {
          this.flat.addScaled(step, d);
          const f = evaluate();
          const g = this.flat.gradient();
          this.flat.restore(x0);
          return { f, g };
        };
        const found = strongWolfe(objective, t, d, loss, flatGrad, gtd, {
          toleranceChange: this.toleranceChange,
        });
        ({ f: loss, g: flatGrad, t, evaluations: lsEvals } = found);
        this.t = t;
        this.flat.addScaled(t, d);
        optimal = maxAbs(flatGrad) <= this.toleranceGrad;
      } else {
        this.flat.addScaled(t, d);
        if (nIter !== this.maxIter) {
          // Re-evaluated except after the last iteration, as in torch (the next step evaluates anyway).
          loss = evaluate();
          flatGrad = this.flat.gradient();
          optimal = maxAbs(flatGrad) <= this.toleranceGrad;
          lsEvals = 1;
        }
      }
      currentEvals += lsEvals;
      this.funcEvals += lsEvals;

      if (nIter === this.maxIter || currentEvals >= this.maxEval || optimal) break;
      if (maxAbs(d) * Math.abs(t) <= this.toleranceChange) break;
      if (Math.abs(loss - this.prevLoss) < this.toleranceChange) break;
    }
    return origLoss;
  }

  private startHistory(flatGrad: Float64Array): Float64Array {
    this.oldDirs = [];
    this.oldStps = [];
    this.ro = [];
    this.hDiag = 1;
    return flatGrad.map((v) => -v);
  }

  /** Updates the (s, y) memory and returns `-H g` by the two-loop recursion. */
  private direction(flatGrad: Float64Array): Float64Array {
    const prev = this.prevFlatGrad!;
    const y = flatGrad.map((v, i) => v - prev[i]!);
    const s = this.d!.map((v) => v * this.t);
    const ys = dot(y, s);
    if (ys > 1e-10) {
      if (this.oldDirs.length === this.historySize) {
        this.oldDirs.shift();
        this.oldStps.shift();
        this.ro.shift();
      }
      this.oldDirs.push(y);
      this.oldStps.push(s);
      this.ro.push(1 / ys);
      this.hDiag = ys / dot(y, y);
    }
    const k = this.oldDirs.length;
    const al = new Float64Array(k);
    const q = flatGrad.map((v) => -v);
    for (let i = k - 1; i >= 0; i--) {
      al[i] = dot(this.oldStps[i]!, q) * this.ro[i]!;
      const yi = this.oldDirs[i]!;
      for (let j = 0; j < q.length; j++) q[j]! += -al[i]! * yi[j]!;
    }
    const r = q.map((v) => v * this.hDiag);
    for (let i = 0; i < k; i++) {
      const be = dot(this.oldDirs[i]!, r) * this.ro[i]!;
      const si = this.oldStps[i]!;
      for (let j = 0; j < r.length; j++) r[j]! += (al[i]! - be) * si[j]!;
    }
    return r;
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  stateDict(): OptimizerState {
    const hyper: Record<string, number> = {
      maxIter: this.maxIter,
      maxEval: this.maxEval,
      toleranceGrad: this.toleranceGrad,
      toleranceChange: this.toleranceChange,
      historySize: this.historySize,
      strongWolfe: this.lineSearch === 'strong-wolfe' ? 1 : 0,
      iterations: this.nIter,
      evaluations: this.funcEvals,
      t: this.t,
      hDiag: this.hDiag,
      prevLoss: this.prevLoss,
      history: this.oldDirs.length,
    };
    const none = this.params.map(() => null);
    const slots: OptimizerState['slots'] = {
      d: this.d ? this.flat.split(this.d) : none,
      prevFlatGrad: this.prevFlatGrad ? this.flat.split(this.prevFlatGrad) : none,
    };
    this.oldDirs.forEach((y, k) => {
      hyper[`ro.${k}`] = this.ro[k]!;
      slots[`y.${k}`] = this.flat.split(y);
      slots[`s.${k}`] = this.flat.split(this.oldStps[k]!);
    });
    return { type: 'lbfgs', step: this.steps, lr: this.lr, hyper, slots };
  }

  loadStateDict(state: OptimizerState): void {
    if (state.type !== 'lbfgs') throw new Error(`loadStateDict: state of a ${state.type}, not an lbfgs`);
    const h = (name: string) => hyperparameter(state.hyper, name);
    const history = h('history');
    // Everything is read and checked before anything changes, so a bad state leaves this one intact.
    for (const name of SCALARS) h(name);
    const optional = (name: string) => {
      const pieces = state.slots[name];
      if (!pieces) throw new Error(`loadStateDict: missing slot ${name}`);
      return pieces.every((p) => p === null) ? null : this.flat.join(pieces, name);
    };
    const joined = (name: string) => this.flat.join(state.slots[name] ?? [], name);
    const d = optional('d');
    const prevFlatGrad = optional('prevFlatGrad');
    const oldDirs = Array.from({ length: history }, (_, k) => joined(`y.${k}`));
    const oldStps = Array.from({ length: history }, (_, k) => joined(`s.${k}`));
    const ro = Array.from({ length: history }, (_, k) => h(`ro.${k}`));
    this.maxIter = h('maxIter');
    this.maxEval = h('maxEval');
    this.toleranceGrad = h('toleranceGrad');
    this.toleranceChange = h('toleranceChange');
    this.historySize = h('historySize');
    this.lineSearch = h('strongWolfe') === 1 ? 'strong-wolfe' : 'none';
    this.nIter = h('iterations');
    this.funcEvals = h('evaluations');
    this.t = h('t');
    this.hDiag = h('hDiag');
    this.prevLoss = h('prevLoss');
    this.d = d;
    this.prevFlatGrad = prevFlatGrad;
    this.oldDirs = oldDirs;
    this.oldStps = oldStps;
    this.ro = ro;
    this.steps = state.step;
    this.lr = state.lr;
  }
}
