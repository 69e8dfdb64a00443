import { forwardChain, type Tensor } from '@ocellus/tensor';
import { Module, type TensorModule } from '../module.js';
import { ReLU } from './activations.js';
import { fusedConvBlock } from './conv-block.js';

/** A layer that can apply the ReLU after it inside its own op (one pass and one buffer less). */
interface ReluFusable {
  forwardRelu(x: Tensor): Tensor;
}

const fusesRelu = (layer: TensorModule): layer is TensorModule & ReluFusable =>
  typeof (layer as Partial<ReluFusable>).forwardRelu === 'function';

/**
 * Layers applied in order, registered as children "0", "1", ... (torch's names in state dicts). A layer
 * that can fuse a ReLU (Conv2d, BatchNorm, Linear) followed by a plain ReLU runs both as one op: same values.
 * Without gradients a Conv2d and the eval BatchNorm2d, ReLU and 2x2 max-pool after it run as one conv op
 * (conv-block.ts): the same values up to rounding, as the norm is folded into the weights.
 */
export class Sequential extends Module implements TensorModule {
  readonly layers: readonly TensorModule[];

  constructor(...layers: TensorModule[]) {
    super();
    this.layers = layers.map((layer, i) => this.registerModule(String(i), layer));
  }

  /** Without gradients, the intermediate buffers go back to the allocator once done (forwardChain). */
  forward(x: Tensor): Tensor {
    return forwardChain(x, this.steps(0, this.layers.length));
  }

  /**
   * The outputs after layers `ends[k] - 1` (ascending layer counts; the last may be the whole stack), as
   * `forward` computes them: without gradients only the buffers between two outputs are recycled.
   */
  forwardTaps(x: Tensor, ends: readonly number[]): Tensor[] {
    const outputs: Tensor[] = [];
    let from = 0;
    let h = x;
    for (const end of ends) {
      if (!Number.isInteger(end) || end <= from || end > this.layers.length) {
        throw new RangeError(
          `forwardTaps: ends must ascend within 1..${this.layers.length}, got [${ends.join(', ')}]`,
        );
      }
      h = forwardChain(h, this.steps(from, end));
      outputs.push(h);
      from = end;
    }
    return outputs;
  }

  /** Layers `from` to `end - 1` as steps, a fusable layer and the plain ReLU after it inside the range as one. */
  private steps(from: number, end: number): ((h: Tensor) => Tensor)[] {
    const steps: ((h: Tensor) => Tensor)[] = [];
    for (let i = from; i < end; i++) {
      const fused = fusedConvBlock(this.layers, i, end);
      if (fused) {
        steps.push(fused.step);
        i += fused.length - 1;
        continue;
      }
      const layer = this.layers[i]!;
      const next = i + 1 < end ? this.layers[i + 1] : undefined;
      if (next?.constructor === ReLU && fusesRelu(layer)) {
        steps.push((h) => layer.forwardRelu(h));
        i++;
      } else steps.push((h) => layer.forward(h));
    }
    return steps;
  }
}
