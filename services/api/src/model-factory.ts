import { modelFromArtifact, type VisionModel } from '@ocellus/models';
import { Tensor } from '@ocellus/tensor';
import type { ModelFactory, OipTensor, ServedModel, TaskOutput } from './model-port.js';

function classifyOutputs(model: VisionModel, batch: Tensor): TaskOutput[] {
  const scores = model.infer(batch).scores;
  if (!scores) throw new Error('the classifier produced no scores');
  const classes = scores.shape[1]!;
  const values = scores.values();
  return Array.from({ length: batch.shape[0]! }, (_, i) => ({
    probabilities: Float32Array.from(values.subarray(i * classes, (i + 1) * classes)),
  }));
}

/** Serves any published version through @ocellus/models' family table; the service never names a family. */
export const visionModelFactory: ModelFactory = (manifest, records) => {
  const model = modelFromArtifact(manifest, records);
  const { channels, height, width } = model.inputSpec;
  const toTensor = (batch: Float32Array, n: number) => new Tensor(batch, [n, channels, height, width]);
  const served: ServedModel = {
    task: model.task,
    inputSpec: model.inputSpec,
    labels: model.labels,
    digitInput: manifest.preprocessing.image === 'mnist-digit',
    outputs:
      model.task === 'classify'
        ? [{ name: 'scores', datatype: 'FP32', shape: [-1, model.labels.length] }]
        : [],
    predict(batch, n) {
      if (model.task !== 'classify') {
        throw new Error(`serving '${model.task}' models is not wired in this build`);
      }
      return classifyOutputs(model, toTensor(batch, n));
    },
    infer(batch, n) {
      const out: Record<string, OipTensor> = {};
      for (const [name, t] of Object.entries(model.infer(toTensor(batch, n)))) {
        out[name] = { shape: [...t.shape], data: Float32Array.from(t.values()) };
      }
      return out;
    },
  };
  return served;
};
