import {
  CAPTION_VOCABULARY,
  captionOf,
  captionOrder,
  captionTokens,
  concatSceneSets,
  END_TOKEN,
  localisationImages,
  PAD_TOKEN,
  type SceneObject,
  START_TOKEN,
} from '@ocellus/vision/scenes';
import { describe, expect, it } from 'vitest';
import { sameValues } from './scenes-support.js';

const object = (index: number, x1: number, x2: number): SceneObject => ({
  index,
  box: [x1, 0, x2, 10],
  mask: { size: [1, 1], counts: '1' },
});

describe('captions', () => {
  it('orders digits by box centre x, not by left edge or by order of placement', () => {
    // Centres 30, 20 and 25: the wide 7 starts first but its centre is last.
    expect(captionOf([object(7, 0, 60), object(3, 15, 25), object(1, 22, 28)])).toBe('3 1 7');
    expect(captionOf([])).toBe('');
  });

  it('gives the objects in the caption’s order, so that word t is object t', () => {
    const objects = [object(7, 0, 60), object(3, 15, 25), object(1, 22, 28)];
    const ordered = captionOrder(objects);
    expect(ordered.map((o) => o.index)).toEqual([3, 1, 7]);
    expect(ordered.map((o) => String(o.index)).join(' ')).toBe(captionOf(objects));
    expect(objects.map((o) => o.index)).toEqual([7, 3, 1]);
  });

  it('can caption with other words for the classes, and refuses a class without one', () => {
    expect(captionOf([object(1, 10, 20), object(0, 0, 10)], ['cat', 'dog'])).toBe('cat dog');
    expect(() => captionOf([object(2, 0, 10)], ['cat', 'dog'])).toThrow(/class 2 has no word/);
  });

  it('has the digits at their own indices, then <start>, <end> and <pad>', () => {
    expect(CAPTION_VOCABULARY.slice(0, 10)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect([START_TOKEN, END_TOKEN, PAD_TOKEN]).toEqual([10, 11, 12]);
    expect(CAPTION_VOCABULARY).toHaveLength(13);
  });

  it('turns a caption into its word tokens without <start> or <end>', () => {
    expect(Array.from(captionTokens('3 1 4'))).toEqual([3, 1, 4]);
    expect(captionTokens('')).toHaveLength(0);
    expect(() => captionTokens('3 <end>')).toThrow(/not a caption word/);
    expect(() => captionTokens('3  1')).toThrow(/not a caption word/);
  });
});

describe('concatSceneSets', () => {
  it('puts the sets one after another, images, labels, objects and captions alike', () => {
    const a = localisationImages({ split: 'train', count: 3, seed: 1 });
    const b = localisationImages({ split: 'test', count: 2, seed: 2 });
    const both = concatSceneSets([a, b]);
    expect(both.set.size).toBe(5);
    expect(sameValues(both.set.images.subarray(3 * 4096), b.set.images)).toBe(true);
    expect(sameValues(both.set.images.subarray(0, 3 * 4096), a.set.images)).toBe(true);
    expect(Array.from(both.set.labels)).toEqual([...a.set.labels, ...b.set.labels]);
    expect(both.objects).toEqual([...a.objects, ...b.objects]);
    expect(both.captions).toEqual([...a.captions, ...b.captions]);
  });

  it('refuses sets of different image sizes', () => {
    const a = localisationImages({ split: 'train', count: 1, seed: 1 });
    const b = localisationImages({ split: 'train', count: 1, seed: 1, size: { height: 64, width: 65 } });
    expect(() => concatSceneSets([a, b])).toThrow(/cannot concatenate/);
  });
});
