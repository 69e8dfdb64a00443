// The captioner ablation of issue 16: four variants of one job spec that differ only in the decoder's
// cell and in soft attention, trained on the same data with the same seed, epochs and batch size.
import { readFile } from 'node:fs/promises';
import { defaultJobSpecSchema } from '@ocellus/contracts';

/**
 * The built-in base spec: digit-scenes captions (1-5 digits on a 128x128 canvas, read left to right),
 * a four-block conv encoder down to an 8x8 grid of cells, a 128-unit decoder. Its cell and attention
 * are overwritten by each variant; `--spec` replaces it.
 */
export const BASE_SPEC = {
  task: 'caption',
  model: 'caption-ablation',
  architecture: {
    type: 'captioner',
    layers: [
      { filters: 16, kernel: 3, pool: 2 },
      { filters: 32, kernel: 3, pool: 2 },
      { filters: 64, kernel: 3, pool: 2 },
      { filters: 64, kernel: 3, pool: 2 },
    ],
    wordvecDim: 64,
    hiddenDim: 128,
    maxLength: 8,
  },
  dataset: { name: 'digit-scenes', train: 2000, validation: 200, test: 500, seed: 1 },
  optimizer: { type: 'adam', lr: 0.002 },
  schedule: { epochs: 4, batchSize: 16, clipNorm: 5 },
  seed: 1,
};

/** The ablation's grid, in training order: the vanilla RNN first, CS231n's order. */
export const VARIANTS = [
  { name: 'rnn', cell: 'rnn', attention: false },
  { name: 'rnn+attention', cell: 'rnn', attention: true },
  { name: 'lstm', cell: 'lstm', attention: false },
  { name: 'lstm+attention', cell: 'lstm', attention: true },
];

/** The variants `--only` names (comma-separated), all of them without it; an unknown name is an error. */
export function selectVariants(only) {
  if (only === undefined) return VARIANTS;
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !VARIANTS.some((v) => v.name === name));
  if (unknown.length > 0) {
    throw new RangeError(
      `--only: no variant ${unknown.join(', ')} (variants: ${VARIANTS.map((v) => v.name).join(', ')})`,
    );
  }
  return VARIANTS.filter((v) => names.includes(v.name));
}

/** The base spec as written (`--spec <file>`, else `BASE_SPEC`); it must train a captioner. */
export async function baseSpec(path) {
  const base = path === undefined ? BASE_SPEC : JSON.parse(await readFile(path, 'utf8'));
  if (base.architecture?.type !== 'captioner') {
    throw new RangeError(`${path ?? 'the base spec'}: architecture.type must be 'captioner'`);
  }
  return base;
}

/** What trains or reads the attention: a variant without attention leaves these out of the base. */
const WITHOUT_ATTENTION = { attentionSupervision: 0, orderAttention: false };

/**
 * One variant's full job spec: the base with the variant's cell and attention (without attention, none of
 * the attention's own fields), the budget's counts, epochs and seed when given, a model name of its own and
 * no alias to promote. `budget`: `{ train, validation, test, epochs, seed }`, each optional.
 */
export function variantSpec(base, variant, budget) {
  const set = (value, fallback) => value ?? fallback;
  const { promote: _promote, ...rest } = base;
  return defaultJobSpecSchema.parse({
    ...rest,
    model: `caption-${variant.name.replace('+', '-')}`,
    architecture: {
      ...base.architecture,
      ...(variant.attention ? {} : WITHOUT_ATTENTION),
      cell: variant.cell,
      attention: variant.attention,
    },
    dataset: {
      ...base.dataset,
      train: set(budget.train, base.dataset?.train),
      validation: set(budget.validation, base.dataset?.validation),
      test: set(budget.test, base.dataset?.test),
    },
    schedule: { ...base.schedule, epochs: set(budget.epochs, base.schedule?.epochs) },
    seed: set(budget.seed, base.seed),
  });
}
