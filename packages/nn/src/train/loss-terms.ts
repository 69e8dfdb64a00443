import { add, type Tensor } from '@ocellus/tensor';

/** A batch's loss: one scalar, or named scalars (e.g. `{ rpnObjectness, rpnBox, cls, box }`) minimised as their sum. */
export type LossTerms = Tensor | { readonly [name: string]: Tensor };

/** The metric a named loss term is logged under (`loss_cls`); the total stays `loss`. */
export const lossMetric = (name: string) => `loss_${name}`;

/** The total to minimise, and each named term's value (none for a single scalar). */
export function sumLossTerms(terms: LossTerms): { total: Tensor; parts: Record<string, number> } {
  if (isTensor(terms)) return { total: terms, parts: {} };
  const entries = Object.entries(terms);
  const [first, ...rest] = entries;
  if (first === undefined) throw new Error('fit: the loss has no terms');
  const parts: Record<string, number> = {};
  let total = first[1];
  for (const [name, term] of entries) {
    if (term.size !== 1)
      throw new Error(`fit: loss term '${name}' must be a scalar, got [${term.shape.join(', ')}]`);
    parts[name] = term.item();
  }
  for (const [, term] of rest) total = add(total, term);
  return { total, parts };
}

function isTensor(terms: LossTerms): terms is Tensor {
  return typeof (terms as Tensor).backward === 'function';
}
