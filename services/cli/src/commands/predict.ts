import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TaskOutput } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { Tensor } from '@ocellus/tensor';
import { decodeImage, toModelInput } from '@ocellus/vision/image';
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

/**
 * Classifies image files the way the API does (sharp decoding with its limits, the MNIST digit recipe
 * for digit models) and prints `<file>: <label> <score>, ...` per image; an unreadable image is reported
 * on stderr and makes the exit code 1 without stopping the others.
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
  const { manifest, model } = await loadModel(registry, parseModelRef(refText));
  if (model.task !== 'classify') {
    throw new Error(`${manifest.name} is a ${model.task} model; predict prints classifier labels`);
  }
  const digit = manifest.preprocessing['image'] === 'mnist-digit';
  const { channels, height, width } = manifest.inputSpec;
  const plane = channels * height * width;
  const inputs: { file: string; pixels: Float32Array }[] = [];
  let failed = false;
  for (const file of files) {
    try {
      const decoded = await decodeImage(await readFile(resolve(io.cwd, file)));
      inputs.push({ file, pixels: toModelInput(decoded, manifest.inputSpec, { digit }) });
    } catch (error) {
      io.stderr.write(`ocellus: ${file}: ${(error as Error).message}\n`);
      failed = true;
    }
  }
  if (inputs.length > 0) {
    const batch = new Float32Array(inputs.length * plane);
    inputs.forEach((input, i) => {
      batch.set(input.pixels, i * plane);
    });
    const outputs = model.predict(new Tensor(batch, [inputs.length, channels, height, width]), {
      topk,
    }) as TaskOutput<'classify'>[];
    outputs.forEach((output, i) => {
      const ranked = output.predictions.map((p) => `${p.label} ${p.score.toFixed(3)}`).join(', ');
      io.stdout.write(`${inputs[i]!.file}: ${ranked}\n`);
    });
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
