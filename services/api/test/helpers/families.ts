import type { ModelFactory, ServedModel, TaskOutput } from '@ocellus/api';
import type { Box } from '@ocellus/contracts';
import type { Manifest, TensorRecord } from '@ocellus/registry';

/** Batch sizes seen by the `test-slow` family, per model version. */
export const slowCalls: number[] = [];

const pixelsOf = (m: Manifest) => m.inputSpec.channels * m.inputSpec.height * m.inputSpec.width;

function items(batch: Float32Array, n: number, size: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => batch.subarray(i * size, (i + 1) * size));
}

/** Tight box of the pixels above 0.5 in the first channel, in input pixels; the whole frame when there are none. */
function brightBox(x: Float32Array, width: number, height: number): Box {
  let [x1, y1, x2, y2] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width; i++) {
      if (x[y * width + i]! > 0.5) {
        x1 = Math.min(x1, i);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, i + 1);
        y2 = Math.max(y2, y + 1);
      }
    }
  }
  return x2 > x1 ? [x1, y1, x2, y2] : [0, 0, width, height];
}

/** Nearest centroid under softmax(-50 * mean squared distance): a real, if tiny, classifier. */
function centroids(manifest: Manifest, tensors: Record<string, TensorRecord>): ServedModel {
  const record = tensors.centroids;
  if (record === undefined || record.dtype !== 'F32') throw new Error('no F32 centroids tensor');
  const [classes = 0, size = 0] = record.shape;
  if (size !== pixelsOf(manifest)) throw new Error(`centroids of ${size} values do not fit the input`);
  const data = record.data as Float32Array;
  const scores = (x: Float32Array) => {
    const logits = Array.from({ length: classes }, (_, k) => {
      let d = 0;
      for (let i = 0; i < size; i++) d += (x[i]! - data[k * size + i]!) ** 2;
      return (-50 * d) / size;
    });
    const top = Math.max(...logits);
    const exp = logits.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    return Float32Array.from(exp, (e) => e / sum);
  };
  return {
    task: 'classify',
    inputSpec: manifest.inputSpec,
    labels: manifest.labels,
    digitInput: manifest.preprocessing.digit === true,
    predict: (batch, n) => items(batch, n, size).map((x) => ({ probabilities: scores(x) })),
    outputs: [{ name: 'scores', datatype: 'FP32', shape: [-1, classes] }],
    infer: (batch, n) => {
      const out = new Float32Array(n * classes);
      items(batch, n, size).forEach((x, i) => {
        out.set(scores(x), i * classes);
      });
      return { scores: { shape: [n, classes], data: out } };
    },
  };
}

const families: Record<string, (manifest: Manifest, tensors: Record<string, TensorRecord>) => ServedModel> = {
  'test-centroids': centroids,
  'test-localizer': (manifest) => {
    const { width, height } = manifest.inputSpec;
    return {
      task: 'localize',
      inputSpec: manifest.inputSpec,
      labels: manifest.labels,
      digitInput: false,
      predict: (batch, n) =>
        items(batch, n, pixelsOf(manifest)).map((x) => ({
          index: 0,
          score: 0.9,
          box: brightBox(x, width, height),
        })),
    };
  },
  'test-detector': (manifest) => {
    const { width, height } = manifest.inputSpec;
    const segment = manifest.task === 'segment';
    return {
      task: segment ? 'segment' : 'detect',
      inputSpec: manifest.inputSpec,
      labels: manifest.labels,
      digitInput: false,
      predict: (batch, n) =>
        items(batch, n, pixelsOf(manifest)).map((x) => {
          const mask = {
            height,
            width,
            data: Uint8Array.from(x.subarray(0, width * height), (v) => (v > 0.5 ? 1 : 0)),
          };
          const corner = { height, width, data: new Uint8Array(width * height).fill(1, 0, 4) };
          const found = [
            { index: 1, score: 0.2, box: [0, 0, 4, 4] as Box, mask: corner },
            { index: 0, score: 0.9, box: brightBox(x, width, height), mask },
          ];
          return { detections: segment ? found : found.map(({ mask: _, ...d }) => d) } as TaskOutput;
        }),
    };
  },
  'test-captioner': (manifest) => {
    const { width, height } = manifest.inputSpec;
    return {
      task: 'caption',
      inputSpec: manifest.inputSpec,
      labels: manifest.labels,
      digitInput: false,
      predict: (batch, n, options) =>
        items(batch, n, pixelsOf(manifest)).map((x) => {
          let left = 0;
          let right = 0;
          for (let y = 0; y < height; y++) {
            for (let i = 0; i < width; i++) {
              if (i < width / 2) left += x[y * width + i]!;
              else right += x[y * width + i]!;
            }
          }
          const tokens = left >= right ? ['1', '2'] : ['2', '1'];
          // The score carries the beam width so a test can see the option reached the model.
          return {
            tokens,
            score: -1 / (options.beam ?? 1),
            attention: [
              [0.75, 0.25],
              [0.25, 0.75],
            ],
          };
        }),
    };
  },
  'test-flaky': (manifest, tensors) => {
    const model = centroids(manifest, tensors);
    const size = pixelsOf(manifest);
    return {
      ...model,
      predict: (batch, n, options) => {
        for (const x of items(batch, n, size)) {
          if (x.reduce((a, b) => a + b, 0) / size > 0.99)
            throw new Error('cannot classify a blank white sheet');
        }
        return model.predict(batch, n, options);
      },
    };
  },
  'test-slow': (manifest, tensors) => {
    const model = centroids(manifest, tensors);
    const delayMs = Number(manifest.architecture.delayMs ?? 50);
    return {
      ...model,
      predict: async (batch, n, options) => {
        slowCalls.push(n);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return model.predict(batch, n, options);
      },
    };
  },
  'test-warm-fail': (manifest, tensors) => ({
    ...centroids(manifest, tensors),
    predict: () => {
      throw new Error('the forward pass diverged');
    },
  }),
};

/** The model families of the tests, looked up by `architecture.type` as @ocellus/models does. */
export const testFactory: ModelFactory = (manifest, tensors) => {
  const family = families[manifest.architecture.type];
  if (family === undefined)
    throw new Error(`no model family registered for architecture '${manifest.architecture.type}'`);
  return family(manifest, tensors);
};
