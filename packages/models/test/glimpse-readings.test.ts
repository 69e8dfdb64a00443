import { Captioner } from '@ocellus/models';
import { gatherBatch } from '@ocellus/vision/datasets';
import { describe, expect, it } from 'vitest';
import { data, glimpseSpec } from './glimpse-fixtures.js';

const indices = Int32Array.from({ length: 24 }, (_, i) => i);
const targets = data.targets(indices);
const images = gatherBatch(data.set, indices).inputs;
const captions = targets.map((t) => t.tokens);

describe('Captioner.readWords', () => {
  it('reads each word where its box is put: right on the shapes, at chance on empty corners', async () => {
    const spec = glimpseSpec(30);
    const model = Captioner.create(spec, data);
    await model.fit(data, spec, {});
    const share = (boxes: [number, number, number, number][][]) => {
      const readings = model.readWords(images, captions, boxes);
      expect(readings.map((r) => [r.named.length, r.scored.length])).toEqual(
        captions.map((c) => [c.length, c.length]),
      );
      const words = captions.flatMap((c) => Array.from(c));
      const named = readings.flatMap((r) => Array.from(r.named));
      return named.filter((w, k) => w === words[k]).length / words.length;
    };
    const onShapes = share(
      targets.map((t) => t.regions!.map((b) => [...b] as [number, number, number, number])),
    );
    // Shapes lie in the scenes' middle rows; an 8-pixel box in the top-left corner holds none of them.
    const corners = share(
      targets.map((t) => t.regions!.map((): [number, number, number, number] => [0, 0, 8, 8])),
    );
    expect(onShapes).toBeGreaterThan(0.9);
    expect(corners).toBeLessThan(0.7);
  });

  it('refuses a captioner without a glimpse, and boxes that do not match the words', async () => {
    const plain = glimpseSpec(1);
    const spec = { ...plain, architecture: { ...plain.architecture, glimpse: undefined } };
    const model = Captioner.create(spec, data);
    await model.fit(data, spec, {});
    const boxes = targets.map((t) => t.regions!);
    expect(() => model.readWords(images, captions, boxes)).toThrow(
      expect.objectContaining({
        name: 'NoGlimpseError',
        message: expect.stringMatching(/only a captioner with a glimpse/),
      }),
    );
    const withGlimpse = Captioner.create(plain, data);
    await withGlimpse.fit(data, plain, {});
    expect(() => withGlimpse.readWords(images, captions, boxes.slice(1))).toThrow(/one box per word/);
    expect(() => withGlimpse.readWords(images, captions, [boxes[0]!.slice(1), ...boxes.slice(1)])).toThrow(
      /one box per word/,
    );
  });
});
