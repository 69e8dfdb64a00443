import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inferenceOptionsSchemas, type Task, type TaskResult } from '@ocellus/contracts';
import { computeOptionsOf, serializeResult } from '@ocellus/models/serialize';
import { openRegistry } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';
import { decodeImage, type ModelInput, toModelInput } from '@ocellus/vision/image';
import { parseCommand, registryOption } from '../args.js';
import type { CliIo } from '../io.js';
import { loadModel, parseModelRef } from '../model-ref.js';
import { registryRoot } from '../registry-root.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../usage-error.js';

export const PREDICT_USAGE =
  'ocellus predict <model>[@version|@alias] <image...> [--topk <n>] [--registry <dir>]';

function parseTopk(text: string | undefined): number {
  if (text === undefined) return 5;
  const k = Number(text);
  if (!Number.isInteger(k) || k < 1) throw new UsageError(`--topk needs a positive integer, got '${text}'`);
  return k;
}

const box = (b: readonly number[]) => `[${b.map((v) => v.toFixed(1)).join(', ')}]`;

/** One image's result as one line, for any task. */
function describe(result: TaskResult<Task>): string {
  if ('predictions' in result)
    return result.predictions.map((p) => `${p.label} ${p.score.toFixed(3)}`).join(', ');
  if ('caption' in result) return `"${result.caption}" (mean log-prob ${result.score.toFixed(3)})`;
  if ('detections' in result) {
    const found = result.detections.map((d) => `${d.label} ${d.score.toFixed(3)} ${box(d.box)}`);
    return found.length > 0 ? found.join('; ') : 'nothing found';
  }
  return `${result.label} ${result.score.toFixed(3)} ${box(result.box)}`;
}

/**
 * Runs a model on image files the way the API does (sharp decoding with its limits, the model's input
 * format, the same serializer: boxes in pixels of each file) and prints one line per image; an unreadable
 * image is reported on stderr and makes the exit code 1 without stopping the others.
 */
export async function predict(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommand({
    args,
    options: { ...registryOption, topk: { type: 'string', short: 'k' } },
    allowPositionals: true,
  });
  const [refText, ...files] = positionals;
  if (refText === undefined || files.length === 0) throw new UsageError(`usage: ${PREDICT_USAGE}`);
  const topk = parseTopk(values.topk);
  const registry = openRegistry(registryRoot(values.registry, io));
  const { model } = await loadModel(registry, parseModelRef(refText));
  const { inputSpec } = model;
  const { channels, height, width } = inputSpec;
  const plane = channels * height * width;
  const inputs: { file: string; input: ModelInput }[] = [];
  let failed = false;
  for (const file of files) {
    try {
      const decoded = await decodeImage(await readFile(resolve(io.cwd, file)));
      inputs.push({ file, input: toModelInput(decoded, inputSpec) });
    } catch (error) {
      io.stderr.write(`ocellus: ${file}: ${(error as Error).message}\n`);
      failed = true;
    }
  }
  if (inputs.length > 0) {
    const batch = new Float32Array(inputs.length * plane);
    inputs.forEach(({ input }, i) => {
      batch.set(input.pixels, i * plane);
    });
    const options = inferenceOptionsSchemas[model.task].parse(model.task === 'classify' ? { topk } : {});
    const tensor = new Tensor(batch, [inputs.length, channels, height, width]);
    const outputs = model.predict(tensor, computeOptionsOf(options));
    outputs.forEach((output, i) => {
      const { file, input } = inputs[i]!;
      const result = serializeResult(model.task, output, {
        labels: model.labels,
        input: inputSpec,
        geometry: input.geometry,
        options,
      });
      io.stdout.write(`${file}: ${describe(result)}\n`);
    });
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
