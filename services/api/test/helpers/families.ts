import { inProcessHost, type ModelFactory, type ModelHost } from '@ocellus/api';
import type { Box, Task } from '@ocellus/contracts';
import type { TaskOutputs, VisionModel } from '@ocellus/models';
import type { Manifest, TensorRecord } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';

/** Batch sizes seen by the `test-slow` family, per model version. */
export const slowCalls: number[] = [];

const pixelsOf = (m: Manifest) => m.inputSpec.channels * m.inputSpec.height * m.inputSpec.width;

function items(batch: Tensor, size: number): Float32Array[] {
  const values = Float32Array.from(batch.values());
  const n = batch.shape[0]!;
  return Array.from({ length: n }, (_, i) => values.subarray(i * size, (i + 1) * size));
}

/** A served-only test model: `run` maps one input to its output; nothing here trains. */
function testModel<T extends Task>(
  task: T,
  manifest: Manifest,
  run: (x: Float32Array, options: Record<string, unknown>) => TaskOutputs[T],
  infer?: (batch: Tensor) => Record<string, Tensor>,
): VisionModel<T> {
  return {
    task,
    inputSpec: manifest.inputSpec,
    labels: manifest.labels,
    predict: (batch, options = {} as never) => items(batch, pixelsOf(manifest)).map((x) => run(x, options)),
    infer: infer ?? (() => ({})),
    fit: () => Promise.reject(new Error('test families do not train')),
    toArtifact: () => {
      throw new Error('test families do not train');
    },
  };
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
function centroids(manifest: Manifest, tensors: Record<string, TensorRecord>): VisionModel<'classify'> {
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
  return testModel(
    'classify',
    manifest,
    (x) => ({ scores: scores(x) }),
    (batch) => {
      const rows = items(batch, size);
      const out = new Float32Array(rows.length * classes);
      rows.forEach((x, i) => {
        out.set(scores(x), i * classes);
      });
      return { scores: new Tensor(out, [rows.length, classes]) };
    },
  );
}

/**
 * The box of one bright (or, after the digit recipe, inked) rectangle from its moments: its mass per column
 * and row gives its height and width, its centroid its centre. Area averaging keeps both exact, so the box
 * is found to a fraction of a model-input pixel wherever the rectangle lands.
 */
function momentsBox(x: Float32Array, width: number, height: number): Box {
  const columns = new Float64Array(width);
  const rows = new Float64Array(height);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width; i++) {
      columns[i]! += x[y * width + i]!;
      rows[y]! += x[y * width + i]!;
    }
  }
  const mass = columns.reduce((a, b) => a + b, 0);
  if (mass === 0) return [0, 0, width, height];
  const centre = (profile: Float64Array) => profile.reduce((a, v, i) => a + (i + 0.5) * v, 0) / mass;
  const [cx, cy] = [centre(columns), centre(rows)];
  const w = Math.max(...rows);
  const h = Math.max(...columns);
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}

type Family = (manifest: Manifest, tensors: Record<string, TensorRecord>) => VisionModel;

const families: Record<string, Family> = {
  'test-centroids': centroids,
  'test-localizer': (manifest) => {
    const { width, height } = manifest.inputSpec;
    return testModel('localize', manifest, (x) => ({
      box: brightBox(x, width, height),
      scores: Float32Array.of(0.75, 0.25).subarray(0, Math.max(1, manifest.labels.length)),
    }));
  },
  'test-moments': (manifest) => {
    const { width, height } = manifest.inputSpec;
    return testModel('localize', manifest, (x) => ({
      box: momentsBox(x, width, height),
      scores: Float32Array.of(1),
    }));
  },
  'test-detector': (manifest) => {
    const { width, height } = manifest.inputSpec;
    const corner = { index: 1, score: 0.2, box: [0, 0, 4, 4] as Box };
    const full = (h: number, w: number) => ({ height: h, width: w, data: new Float32Array(h * w).fill(1) });
    if (manifest.task === 'segment') {
      return testModel('segment', manifest, (x) => ({
        detections: [
          { ...corner, mask: full(2, 2) },
          { index: 0, score: 0.9, box: brightBox(x, width, height), mask: full(4, 4) },
        ],
      }));
    }
    return testModel('detect', manifest, (x) => ({
      detections: [corner, { index: 0, score: 0.9, box: brightBox(x, width, height) }],
    }));
  },
  'test-captioner': (manifest) => {
    const { width, height } = manifest.inputSpec;
    return testModel('caption', manifest, (x, options) => {
      let left = 0;
      let right = 0;
      for (let y = 0; y < height; y++) {
        for (let i = 0; i < width; i++) {
          if (i < width / 2) left += x[y * width + i]!;
          else right += x[y * width + i]!;
        }
      }
      // The mean log-probability carries the beam width so a test can see the option reached the model.
      return {
        tokens: left >= right ? Int32Array.of(0, 1) : Int32Array.of(1, 0),
        logProb: -1 / Number(options.beam ?? 1),
        attention: { grid: [1, 2], weights: [Float32Array.of(0.75, 0.25), Float32Array.of(0.25, 0.75)] },
      };
    });
  },
  'test-flaky': (manifest, tensors) => {
    const model = centroids(manifest, tensors);
    const size = pixelsOf(manifest);
    return {
      ...model,
      predict: (batch) => {
        for (const x of items(batch, size)) {
          if (x.reduce((a, b) => a + b, 0) / size > 0.99)
            throw new Error('cannot classify a blank white sheet');
        }
        return model.predict(batch);
      },
    };
  },
  'test-slow': centroids,
  'test-oom': (manifest, tensors) => {
    const model = centroids(manifest, tensors);
    const size = pixelsOf(manifest);
    // A blank white sheet stands for an input too large for memory: V8's own allocation failure.
    const check = (batch: Tensor) => {
      for (const x of items(batch, size)) {
        if (x.every((v) => v > 0.99)) throw new RangeError('Array buffer allocation failed');
      }
    };
    return {
      ...model,
      predict: (batch) => {
        check(batch);
        return model.predict(batch);
      },
      infer: (batch) => {
        check(batch);
        return model.infer(batch);
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

/**
 * The test families on this thread; `test-slow` versions wait `architecture.delayMs` (default 50) before
 * each batch without blocking the event loop, as a forward pass in the inference thread would.
 */
export function testHost(factory: ModelFactory = testFactory): ModelHost {
  const inner = inProcessHost(factory);
  return {
    async load(manifest, tensors) {
      const model = await inner.load(manifest, tensors);
      if (manifest.architecture.type !== 'test-slow') return model;
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
    close: () => inner.close(),
  };
}
