// Exact match and BLEU on photo-like uploads of a captioner's test scenes (run.js's column and photo.js).
import { scorers } from '@ocellus/models';
import { Rng, Tensor } from '@ocellus/tensor';
import { photoLikeUpload } from '@ocellus/vision/augment';
import { decodeImage, toModelInput } from '@ocellus/vision/image';

/**
 * Exact match and BLEU-4 on photo-like uploads of the test scenes (either polarity, uneven paper, ink
 * colour, noise, blur, JPEG, 0.5-3x the size; seeded as bench:detect's), decoded and brought to the model
 * through the upload path as the API does; `predictOptions` as `/v1/caption`'s (e.g. `{ beam: 3 }`). Also
 * `byEncoding`: the same metrics over the PNG uploads and over the JPEG ones.
 */
export async function photoMetrics(model, data, test, predictOptions = {}) {
  const rng = new Rng(17);
  const { channels, height, width } = data.set;
  const plane = channels * height * width;
  const spec = model.inputSpec;
  const outputs = [];
  const formats = [];
  for (const i of test) {
    const pixels = data.set.images.slice(i * plane, (i + 1) * plane);
    const upload = await photoLikeUpload({ pixels, width, height, objects: [] }, rng.fork());
    const input = toModelInput(await decodeImage(upload.bytes), spec);
    const batch = new Tensor(input.pixels, [1, spec.channels, spec.height, spec.width]);
    outputs.push(...model.predict(batch, predictOptions));
    formats.push(upload.encoding.format);
  }
  const targets = data.targets(test);
  const score = (keep) =>
    scorers.caption(
      outputs.filter((_, k) => keep(k)),
      targets.filter((_, k) => keep(k)),
      { labels: model.labels, height, width },
    ).metrics;
  const byEncoding = Object.fromEntries(['png', 'jpeg'].map((f) => [f, score((k) => formats[k] === f)]));
  return { ...score(() => true), byEncoding };
}
