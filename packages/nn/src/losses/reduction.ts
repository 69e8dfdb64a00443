import { div, expand, mul, reshape, sum, Tensor, tensor } from '@ocellus/tensor';

export type Reduction = 'mean' | 'sum' | 'none';

/** What every loss accepts. */
export interface LossOptions {
  /** 'mean' (default): weighted mean `sum(w l) / sum(w)`; 'sum': `sum(w l)`; 'none': `w l` per element. */
  reduction?: Reduction;
  /**
   * Per-sample weights: either of length N (one per sample, broadcast over the other axes) or of the
   * loss's full shape. A Tensor that requires a gradient gets one.
   */
  weights?: Tensor | ArrayLike<number>;
}

/** Class losses also skip samples whose label is `ignoreIndex` (torch's ignore_index). */
export interface ClassLossOptions extends LossOptions {
  ignoreIndex?: number;
}

/** Weights as a tensor of the loss's dtype, shaped to broadcast against `shape`. */
function weightTensor(weights: Tensor | ArrayLike<number>, shape: readonly number[], like: Tensor): Tensor {
  const w =
    weights instanceof Tensor ? weights : tensor(Array.from(weights), undefined, { dtype: like.dtype });
  if (w.dtype !== like.dtype) throw new Error(`loss weights are ${w.dtype}, the loss is ${like.dtype}`);
  const n = shape[0] ?? 1;
  if (w.shape.join() === shape.join()) return w;
  if (w.ndim === 1 && w.size === n) return reshape(w, [n, ...shape.slice(1).map(() => 1)]);
  throw new Error(
    `loss weights of shape [${w.shape.join(', ')}] fit neither [${n}] (per sample) nor [${shape.join(', ')}]`,
  );
}

/**
 * Applies weights, the ignore mask (0/1 per sample, a constant) and the reduction to an unreduced loss.
 * Mean is the weighted mean, so ignored samples leave both numerator and denominator (torch's
 * ignore_index and class-weight semantics); with every sample ignored it is 0/0 = NaN, as in torch.
 */
export function reduceLoss(
  loss: Tensor,
  reduction: Reduction = 'mean',
  weights?: Tensor | ArrayLike<number>,
  mask?: Float64Array,
): Tensor {
  const parts: Tensor[] = [];
  if (mask) parts.push(weightTensor(mask, loss.shape, loss));
  if (weights !== undefined) parts.push(weightTensor(weights, loss.shape, loss));
  const w = parts.reduce<Tensor | null>((acc, p) => (acc ? mul(acc, p) : p), null);
  const weighted = w ? mul(loss, w) : loss;
  if (reduction === 'none') return weighted;
  const total = sum(weighted);
  if (reduction === 'sum') return total;
  if (!w) return div(total, loss.size);
  const denominator = w.size === loss.size ? sum(w) : sum(expand(w, loss.shape));
  return div(total, denominator);
}
