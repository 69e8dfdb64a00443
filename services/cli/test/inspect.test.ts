import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { modelFromArtifact } from '@ocellus/models';
import { openRegistry } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { renderConfusionMatrix } from '@ocellus/vision/metrics';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ocellus, tempDir, tinySpec, writeJson } from './helpers.js';

let dir: { path: string; remove: () => Promise<void> };
let registry: string;
beforeAll(async () => {
  dir = await tempDir('ocellus-cli-inspect-');
  registry = join(dir.path, 'registry');
  const spec = await writeJson(
    dir.path,
    'mlp.json',
    tinySpec({
      model: 'tiny-mlp',
      architecture: { type: 'mlp', hidden: [64] },
      optimizer: { type: 'adam', lr: 0.003 },
      promote: 'production',
    }),
  );
  const trained = await ocellus(['train', spec, '--registry', registry]);
  expect(trained.code).toBe(0);
}, 120_000);
afterAll(async () => {
  await dir.remove();
});

/** A test-split digit as an 8-bit grey PNG: as MNIST stores it, or as a photo would show it (dark on light, 4x). */
async function digitPng(pixels: Float32Array, path: string, asPhoto: boolean): Promise<void> {
  const bytes = Uint8Array.from(pixels, (v) => Math.round(255 * (asPhoto ? 1 - v : v)));
  let image = sharp(Buffer.from(bytes), { raw: { width: 28, height: 28, channels: 1 } });
  if (asPhoto) image = image.resize(112, 112, { kernel: 'lanczos3' });
  await writeFile(path, await image.png().toBuffer());
}

describe('ocellus eval', () => {
  it('recomputes the test-split accuracy and confusion matrix the training run recorded', async () => {
    const { code, stdout, stderr } = await ocellus(['eval', 'tiny-mlp', '--registry', registry]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const manifest = await openRegistry(registry).manifest('tiny-mlp', 1);
    const accuracy = `${(100 * manifest.metrics['testAccuracy']!).toFixed(2)}%`;
    expect(stdout).toContain('tiny-mlp version 1 (mlp) on 300 MNIST test-split digits\n');
    expect(stdout).toContain(`test accuracy ${accuracy}\nmanifest records ${accuracy} (reproduced)\n`);
    expect(stdout).toMatch(/per-class accuracy: 0 [\d.]+%, 1 [\d.]+%, .* 9 [\d.]+%\n/);
    const recorded = manifest.extra['confusionMatrix'] as number[][];
    expect(stdout).toContain(renderConfusionMatrix(recorded, manifest.labels));
  });

  it('fails with exit code 1 when the manifest claims an accuracy the weights do not reach, and tolerates one digit', async () => {
    const store = openRegistry(registry);
    const { manifest, tensors } = await store.load('tiny-mlp', 1);
    const claimed = Math.min(1, manifest.metrics['testAccuracy']! + 0.05);
    const forged = await store.publish('tiny-mlp', {
      ...manifest,
      metrics: { ...manifest.metrics, testAccuracy: claimed },
      tensors,
    });
    const { code, stdout, stderr } = await ocellus([
      'eval',
      `tiny-mlp@${forged.version}`,
      '--registry',
      registry,
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('(DIFFERENT)');
    expect(stderr).toMatch(
      /^ocellus: tiny-mlp version 2 scores [\d.]+% now, but its manifest records [\d.]+%\n$/,
    );
    const nearTie = await store.publish('tiny-mlp', {
      ...manifest,
      metrics: { ...manifest.metrics, testAccuracy: manifest.metrics['testAccuracy']! - 1 / 300 },
      tensors,
    });
    const oneDigit = await ocellus(['eval', `tiny-mlp@${nearTie.version}`, '--registry', registry]);
    expect(oneDigit.code).toBe(0);
    expect(oneDigit.stdout).toContain('(within one digit)');
    const byAlias = await ocellus(['eval', 'tiny-mlp@production', '--registry', registry]);
    expect(byAlias.code).toBe(0);
    expect(byAlias.stdout).toContain('tiny-mlp version 1 ');
  });
});

describe('ocellus predict', () => {
  it('reads PNG files of test digits, in MNIST form or as dark ink on light paper, and names the digits', async () => {
    const loaded = await openRegistry(registry).load('tiny-mlp', 1);
    const model = modelFromArtifact(loaded.manifest, loaded.tensors);
    const test = gatherBatch(loadMnist(), mnistSubset({ test: 300, seed: 3 }).test);
    const scores = model.infer(test.inputs).scores!.values();
    const chosen: number[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const i = Array.from(test.targets).findIndex((t, j) => t === digit && scores[j * 10 + digit]! > 0.9);
      expect(i).toBeGreaterThanOrEqual(0);
      chosen.push(i);
    }
    const files: string[] = [];
    for (const [digit, i] of chosen.entries()) {
      const pixels = test.inputs.values().subarray(i * 784, (i + 1) * 784) as Float32Array;
      for (const asPhoto of [false, true]) {
        const file = join(dir.path, `${asPhoto ? 'photo' : 'mnist'}-${digit}.png`);
        await digitPng(pixels, file, asPhoto);
        files.push(file);
      }
    }
    const { code, stdout, stderr } = await ocellus([
      'predict',
      'tiny-mlp',
      ...files,
      '--topk',
      '3',
      '--registry',
      registry,
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(20);
    let correct = 0;
    lines.forEach((line, n) => {
      expect(line.startsWith(`${files[n]}: `)).toBe(true);
      const ranked = line
        .slice(files[n]!.length + 2)
        .split(', ')
        .map((entry) => entry.split(' '));
      expect(ranked).toHaveLength(3);
      const values = ranked.map(([, score]) => Number(score));
      expect(values).toEqual([...values].sort((a, b) => b - a));
      if (ranked[0]![0] === String(Math.floor(n / 2))) correct++;
    });
    expect(correct).toBeGreaterThanOrEqual(18);
  });

  it('reports an unreadable image on stderr, still predicts the others, and exits 1', async () => {
    const text = join(dir.path, 'notes.png');
    await writeFile(text, 'not an image');
    const good = join(dir.path, 'mnist-3.png');
    const { code, stdout, stderr } = await ocellus([
      'predict',
      'tiny-mlp',
      text,
      good,
      '--registry',
      registry,
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ocellus: .*notes\.png: not a readable image: .*\n$/);
    expect(stdout).toMatch(/^.*mnist-3\.png: (\d [01]\.\d{3}, ){4}\d [01]\.\d{3}\n$/);
  });
});

describe('ocellus models', () => {
  it('lists every version with its aliases, family, recorded test accuracy, training time and size', async () => {
    const { code, stdout } = await ocellus(['models', '--registry', registry]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^model\s+version\s+aliases\s+task\s+type\s+test acc\s+trained in\s+size\s+created$/,
    );
    const manifest = await openRegistry(registry).manifest('tiny-mlp', 1);
    const accuracy = `${(100 * manifest.metrics['testAccuracy']!).toFixed(2)}%`;
    expect(lines[2]).toMatch(
      new RegExp(
        `^tiny-mlp\\s+1\\s+production\\s+classify\\s+mlp\\s+${accuracy}\\s+\\d+s\\s+\\d+ kB\\s+\\d{4}-`,
      ),
    );
    expect(lines[3]).toMatch(/^tiny-mlp\s+2\s+-\s+classify\s+mlp\s/);
    expect(lines[4]).toMatch(/^tiny-mlp\s+3\s+-\s+classify\s+mlp\s/);
    expect(lines).toHaveLength(5);
  });

  it('says so when the registry is empty', async () => {
    const { code, stdout } = await ocellus(['models', '--registry', join(dir.path, 'empty')]);
    expect(code).toBe(0);
    expect(stdout).toBe(`no models in ${join(dir.path, 'empty')}\n`);
  });
});
