import { noGrad, type Tensor } from '@ocellus/tensor';

interface ParameterEntry {
  tensor: Tensor;
  /** Weight decay / L1 / L2 apply to it (weights yes, biases and norm scales no, unless asked). */
  regularize: boolean;
}

/**
 * micrograd's Module with explicit state: parameters, buffers (e.g. running statistics) and child
 * modules are registered by name; `forward` is each subclass's own method.
 */
export abstract class Module {
  training = true;
  private readonly params = new Map<string, ParameterEntry>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  protected registerParameter(name: string, tensor: Tensor, regularize = name === 'weight'): Tensor {
    tensor.requireGrad();
    this.params.set(name, { tensor, regularize });
    return tensor;
  }

  protected registerBuffer(name: string, tensor: Tensor): Tensor {
    this.buffers.set(name, tensor);
    return tensor;
  }

  /** Replaces a buffer's tensor (running statistics are recomputed, not mutated in place). */
  protected setBuffer(name: string, tensor: Tensor): void {
    if (!this.buffers.has(name)) throw new Error(`no buffer named ${name}`);
    this.buffers.set(name, tensor);
  }

  protected buffer(name: string): Tensor {
    const b = this.buffers.get(name);
    if (!b) throw new Error(`no buffer named ${name}`);
    return b;
  }

  protected registerModule<M extends Module>(name: string, module: M): M {
    this.children.set(name, module);
    return module;
  }

  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, p] of this.params) out.push([prefix + name, p.tensor]);
    for (const [name, child] of this.children) out.push(...child.namedParameters(`${prefix}${name}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Parameters that regularisers and weight decay apply to. */
  regularizedParameters(): Tensor[] {
    const out: Tensor[] = [];
    for (const p of this.params.values()) if (p.regularize) out.push(p.tensor);
    for (const child of this.children.values()) out.push(...child.regularizedParameters());
    return out;
  }

  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, b] of this.buffers) out.push([prefix + name, b]);
    for (const [name, child] of this.children) out.push(...child.namedBuffers(`${prefix}${name}.`));
    return out;
  }

  train(mode = true): this {
    this.training = mode;
    for (const child of this.children.values()) child.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /** Stops (or restarts) training the parameters whose dotted name starts with `prefix`. */
  freeze(prefix = ''): void {
    this.setTrainable(prefix, false);
  }

  unfreeze(prefix = ''): void {
    this.setTrainable(prefix, true);
  }

  private setTrainable(prefix: string, flag: boolean): void {
    const matched = this.namedParameters().filter(([name]) => name === prefix || name.startsWith(prefix));
    if (matched.length === 0) throw new Error(`no parameter matches the prefix "${prefix}"`);
    for (const [, t] of matched) {
      t.requiresGrad = flag;
      if (!flag) t.zeroGrad();
    }
  }

  /** Parameters and buffers by dotted name (the artifact's tensors). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries([...this.namedParameters(), ...this.namedBuffers()]);
  }

  /** Copies values in; refuses a missing, extra or wrongly shaped tensor, naming it. */
  loadStateDict(state: Record<string, Tensor>): void {
    const own = this.stateDict();
    const missing = Object.keys(own).filter((k) => !(k in state));
    const extra = Object.keys(state).filter((k) => !(k in own));
    if (missing.length > 0) throw new Error(`loadStateDict: missing ${missing.join(', ')}`);
    if (extra.length > 0) throw new Error(`loadStateDict: unexpected ${extra.join(', ')}`);
    for (const [name, target] of Object.entries(own)) {
      const source = state[name]!;
      if (source.shape.join() !== target.shape.join()) {
        throw new Error(
          `loadStateDict: ${name} has shape [${source.shape.join(', ')}], expected [${target.shape.join(', ')}]`,
        );
      }
    }
    noGrad(() => {
      for (const [name, target] of Object.entries(own)) {
        if (!target.isContiguous() || target.offset !== 0)
          throw new Error(`loadStateDict: ${name} is a view`);
        target.data.set(state[name]!.values());
      }
    });
  }
}

/** A module mapping one tensor to one tensor — what Sequential chains. */
export interface TensorModule extends Module {
  forward(x: Tensor): Tensor;
}
