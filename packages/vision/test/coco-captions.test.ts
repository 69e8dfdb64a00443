import { CocoFormatError, cocoImageCaptions, parseCocoCaptions } from '@ocellus/vision/coco';
import { describe, expect, it } from 'vitest';

const document = () => ({
  images: [
    { id: 4, file_name: 'a.png', width: 5, height: 4, split: 'restval' },
    { id: 2, file_name: 'b.png' },
    { id: 9, file_name: 'c.png' },
  ],
  annotations: [
    { id: 1, image_id: 2, caption: 'a dog' },
    { image_id: 4, caption: 'a cat' },
    { id: 3, image_id: 2, caption: 'the dog' },
  ],
});

describe('COCO captions documents', () => {
  it("groups each image's captions in document order, an image without any kept", () => {
    const grouped = cocoImageCaptions(parseCocoCaptions(document()));
    expect(grouped.map(({ image, captions }) => [image.file_name, captions])).toEqual([
      ['a.png', [{ annotation: 1, text: 'a cat' }]],
      [
        'b.png',
        [
          { annotation: 0, text: 'a dog' },
          { annotation: 2, text: 'the dog' },
        ],
      ],
      ['c.png', []],
    ]);
    expect(grouped[0]!.image.split).toBe('restval');
  });

  it('names the path of each shape issue, then of each id that refers to nothing or repeats', () => {
    const shape = document() as { images: Record<string, unknown>[]; annotations: Record<string, unknown>[] };
    shape.images[1]!['split'] = 'holdout';
    shape.annotations[2]!['caption'] = ['the', 'dog'];
    const references = document();
    references.images[2]!.id = 4;
    references.annotations[0]!.image_id = 7;
    const issues = (json: unknown) => {
      try {
        parseCocoCaptions(json);
      } catch (error) {
        if (error instanceof CocoFormatError) return error.issues.map((i) => i.split(':')[0]);
        throw error;
      }
      return [];
    };
    expect(issues(shape)).toEqual(['images[1].split', 'annotations[2].caption']);
    expect(issues(references)).toEqual(['images[2].id', 'annotations[0].image_id']);
    expect(() => parseCocoCaptions({ images: [] })).toThrow(/^invalid COCO captions document: annotations: /);
  });
});
