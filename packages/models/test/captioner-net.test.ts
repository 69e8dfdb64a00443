import { captionerSchema } from '@ocellus/contracts';
import { softmaxCrossEntropy } from '@ocellus/nn/losses';
import { gradCheck, noGrad, Rng, rand, sum, Tensor } from '@ocellus/tensor';
import { describe, expect, it } from 'vitest';
import { beamCaptions, netDecoders } from '../src/caption/caption-decoding.js';
import { captionLosses, doublyStochastic } from '../src/caption/caption-losses.js';
import { CaptionerNet } from '../src/caption/captioner-net.js';
import { DeepOutput } from '../src/caption/deep-output.js';
import { greedyDecode } from '../src/caption/greedy-decode.js';
import { teacherForced } from '../src/caption/teacher-forced.js';
import { CaptionVocabulary } from '../src/caption/vocabulary.js';
import { SHAPE_VOCABULARY } from './captioner-scenes.js';

const vocabulary = new CaptionVocabulary(SHAPE_VOCABULARY);

function tinyNet(
  cell: 'rnn' | 'lstm',
  attention: boolean,
  seed = 1,
  coverage = false,
  deepOutput?: number,
  order = false,
  glimpse: false | 'once' | 'twice' = false,
) {
  const arch = captionerSchema.parse({
    type: 'captioner',
    cell,
    attention,
    coverage,
    deepOutput,
    ...(order ? { cellSupervision: 1, orderAttention: true } : {}),
    ...(glimpse
      ? { glimpse: { size: 8, layers: [{ filters: 3 }], features: 5, refine: glimpse === 'twice' } }
      : {}),
    layers: [{ filters: 4, kernel: 3, pool: 4 }],
    wordvecDim: 6,
    hiddenDim: 8,
    maxLength: 3,
  });
  const shape = { inputShape: [1, 16, 16], classes: vocabulary.size, dropout: 0, init: 'he' as const };
  return new CaptionerNet(arch, shape, new Rng(seed)).eval();
}

const images = rand([5, 1, 16, 16], new Rng(7));

/** Mean log-probability of each caption's words then `<end>`, read by teacher forcing. */
function forcedScores(net: CaptionerNet, captions: Int32Array[]): number[] {
  const out = noGrad(() => teacherForced(net, images, captions, vocabulary));
  const perToken = softmaxCrossEntropy(out.logits, out.forcing.targets, {
    ignoreIndex: vocabulary.pad,
    reduction: 'none',
  }).values();
  return captions.map((c, i) => {
    let total = 0;
    for (let t = 0; t <= c.length; t++) total -= perToken[i * out.forcing.steps + t]!;
    return total / (c.length + 1);
  });
}

describe('captioner network', () => {
  for (const [cell, attention, coverage, deep, order, glimpse] of [
    ['lstm', true, false, undefined, false, false],
    ['lstm', true, true, undefined, false, false],
    ['rnn', false, false, undefined, false, false],
    ['lstm', true, false, 5, false, false],
    ['rnn', false, false, 5, false, false],
    ['lstm', true, false, undefined, true, false],
    ['lstm', true, false, 5, false, 'once'],
    ['lstm', true, true, 5, false, 'twice'],
  ] as const) {
    it(`decodes greedily as a beam of one, scoring captions as teacher forcing does (${cell}, attention ${attention}, coverage ${coverage}, deep output ${deep ?? 'none'}, ordered ${order}, glimpse ${glimpse})`, () => {
      const net = tinyNet(cell, attention, 1, coverage, deep, order, glimpse);
      const { greedy, beam } = noGrad(() => {
        const decoders = netDecoders(net, net.encode(images), vocabulary);
        return {
          greedy: greedyDecode(decoders.all(), decoders.images, 3),
          beam: beamCaptions(decoders, { beam: 1, maxLength: 3 }),
        };
      });
      beam.forEach((b, i) => {
        const g = greedy[i]!;
        expect([b.tokens, b.steps]).toEqual([g.tokens, g.steps]);
        // One image's rows or all images' rows: the same sums, up to float32 rounding.
        expect(b.logProb).toBeCloseTo(g.logProb, 5);
        b.attention.forEach((w, t) => {
          expect(Array.from(w, (a, j) => a - g.attention[t]![j]!).every((d) => Math.abs(d) < 1e-6)).toBe(
            true,
          );
        });
      });
      const forced = forcedScores(
        net,
        greedy.map((c) => Int32Array.from(c.tokens)),
      );
      expect(greedy.map((c) => c.logProb / c.steps)).toEqual(forced.map((f) => expect.closeTo(f, 5)));
    });
  }

  it('gives attention weights that sum to 1 over the cells at every step', () => {
    const net = tinyNet('lstm', true);
    const out = noGrad(() =>
      teacherForced(
        net,
        images,
        [
          Int32Array.of(0, 1),
          Int32Array.of(2),
          Int32Array.of(1, 1, 1),
          Int32Array.of(0),
          Int32Array.of(2, 0),
        ],
        vocabulary,
      ),
    );
    const [n, steps, cells] = out.alpha!.shape as [number, number, number];
    expect([n, steps, cells]).toEqual([5, 4, 16]);
    const alpha = out.alpha!.values();
    for (let row = 0; row < n * steps; row++) {
      const total = Array.from(alpha.subarray(row * cells, (row + 1) * cells)).reduce((s, a) => s + a, 0);
      expect(total).toBeCloseTo(1, 5);
    }
  });

  it('with coverage carries the attention summed over the steps so far, from zero', () => {
    const net = tinyNet('lstm', true, 2, true);
    const { start, first, second } = noGrad(() => {
      const memory = net.encode(images);
      const start = net.initialState(memory);
      const first = net.step(memory, new Int32Array(5).fill(vocabulary.start), start);
      return { start, first, second: net.step(memory, new Int32Array(5).fill(0), first.state) };
    });
    expect(Array.from(start.coverage!.values()).every((v) => v === 0)).toBe(true);
    const a0 = first.alpha!.values();
    const a1 = second.alpha!.values();
    expect(Array.from(second.state.coverage!.values())).toEqual(
      Array.from(a0, (a, i) => expect.closeTo(a + a1[i]!, 6)),
    );
  });

  it("with ordered attention carries the last word's centre: -1, then the attention's mean of the word centres", () => {
    const net = tinyNet('lstm', true, 2, false, undefined, true);
    const { memory, start, first, second } = noGrad(() => {
      const memory = net.encode(images);
      const start = net.initialState(memory);
      const first = net.step(memory, new Int32Array(5).fill(vocabulary.start), start);
      return { memory, start, first, second: net.step(memory, new Int32Array(5).fill(0), first.state) };
    });
    expect(Array.from(start.lastCentre!.values())).toEqual([-1, -1, -1, -1, -1]);
    // A 4x4 grid: each cell's word centre is its column's centre plus the reader's x offset (channel V).
    const readout = memory.readout!.values();
    const width = vocabulary.size + 2;
    const centres = Array.from(
      { length: 5 * 16 },
      (_, i) => (i % 4) + 0.5 + readout[i * width + vocabulary.size]!,
    );
    expect(Array.from(memory.centres!.values())).toEqual(centres.map((c) => expect.closeTo(c, 5)));
    const a0 = first.alpha!.values();
    const expected = [0, 1, 2, 3, 4].map((n) =>
      centres.slice(n * 16, (n + 1) * 16).reduce((sum, c, j) => sum + c * a0[n * 16 + j]!, 0),
    );
    expect(Array.from(first.state.lastCentre!.values())).toEqual(expected.map((c) => expect.closeTo(c, 5)));
    // The energies read the offsets from it: the same step from another last centre attends elsewhere.
    const moved = noGrad(() =>
      net.step(memory, new Int32Array(5).fill(0), {
        ...first.state,
        lastCentre: new Tensor(new Float32Array(5).fill(3), [5]),
      }),
    );
    const a1 = second.alpha!.values();
    const a2 = moved.alpha!.values();
    expect(Math.max(...Array.from(a1, (a, i) => Math.abs(a - a2[i]!)))).toBeGreaterThan(1e-3);
  });

  it('penalises attention by sum over cells of (1 - attention summed over the unpadded steps)^2, per caption', () => {
    // Two captions, two steps, three cells; the second caption's second step is padding.
    const alpha = new Tensor(Float32Array.of(0.5, 0.5, 0, 0, 1, 0, 0.2, 0.3, 0.5, 1, 0, 0), [2, 2, 3]);
    const mask = Float32Array.of(1, 1, 1, 0);
    // Sums per cell: [0.5, 1.5, 0] and [0.2, 0.3, 0.5].
    const expected = (0.25 + 0.25 + 1 + (0.64 + 0.49 + 0.25)) / 2;
    expect(doublyStochastic(alpha, mask).item()).toBeCloseTo(expected, 6);
  });

  it('with tbptt = 1 lets no gradient through the recurrent state: h0 learns from the first step alone', () => {
    const captions = [0, 1, 2, 0, 1].map((w, i) =>
      Int32Array.from({ length: 1 + (i % 3) }, (_, t) => (w + t) % 3),
    );
    const initGradient = (tbptt: number | undefined, firstStepOnly: boolean) => {
      const net = tinyNet('lstm', true, 3, true).train();
      net.zeroGrad();
      const out = teacherForced(net, images, captions, vocabulary, tbptt);
      const targets = out.forcing.targets.map((t, i) =>
        firstStepOnly && i % out.forcing.steps !== 0 ? vocabulary.pad : t,
      );
      const loss = firstStepOnly
        ? softmaxCrossEntropy(out.logits, targets, { ignoreIndex: vocabulary.pad, reduction: 'sum' })
        : sum(softmaxCrossEntropy(out.logits, targets, { ignoreIndex: vocabulary.pad, reduction: 'none' }));
      loss.backward();
      return Array.from(net.initH.weight.grad!.values());
    };
    const truncated = initGradient(1, false);
    const firstStep = initGradient(undefined, true);
    expect(truncated).toEqual(firstStep.map((g) => expect.closeTo(g, 6)));
    const full = initGradient(undefined, false);
    expect(full.some((g, i) => Math.abs(g - truncated[i]!) > 1e-4)).toBe(true);
  });

  it('names its losses words and attention, and leaves the penalty out at weight 0', () => {
    const net = tinyNet('lstm', true);
    const out = teacherForced(
      net,
      images,
      [Int32Array.of(0), Int32Array.of(1), Int32Array.of(2), Int32Array.of(0, 1), Int32Array.of(1, 0)],
      vocabulary,
    );
    expect(Object.keys(captionLosses(out, vocabulary.pad, { penalty: 0.5 }))).toEqual(['words', 'attention']);
    expect(Object.keys(captionLosses(out, vocabulary.pad, { penalty: 0 }))).toEqual(['words']);
  });

  it('with a deep output layer scores words through tanh(L [h; z] + L_e E y), its width wide', () => {
    const net = tinyNet('lstm', true, 4, false, 5);
    // 8 hidden + 4 encoder channels + 2 coordinates read, 6-wide word vectors, 5 wide, then the vocabulary.
    expect(net.deep!.read.weight.shape).toEqual([5, 8 + 4 + 2]);
    expect(net.deep!.word.weight.shape).toEqual([5, 6]);
    expect(net.output.weight.shape).toEqual([vocabulary.size, 5]);
    const deep = new DeepOutput(4, 3, 5, { rng: new Rng(5), dtype: 'float64' });
    const read = rand([3, 4], new Rng(6), { dtype: 'float64' });
    const word = rand([3, 3], new Rng(7), { dtype: 'float64' });
    const check = gradCheck((r, w) => deep.forward(r, w), [read, word, ...deep.parameters()]);
    expect(check.maxRelError).toBeLessThan(1e-7);
  });
});
