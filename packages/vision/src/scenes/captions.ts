import { CAPTION_SPECIAL_TOKENS } from '@ocellus/contracts';
import type { SceneObject } from './scene-set.js';

/**
 * The caption vocabulary: token `d` is the digit `d` for d = 0..9, then the special tokens. A
 * captioner's labels are this list, so a token index is an index into its labels.
 */
export const CAPTION_VOCABULARY: readonly string[] = [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  ...CAPTION_SPECIAL_TOKENS,
];
export const START_TOKEN = CAPTION_VOCABULARY.indexOf('<start>');
export const END_TOKEN = CAPTION_VOCABULARY.indexOf('<end>');
export const PAD_TOKEN = CAPTION_VOCABULARY.indexOf('<pad>');

const centreX = (object: SceneObject) => (object.box[0] + object.box[2]) / 2;

/** The objects in their caption's order: by box centre x, left to right. */
export function captionOrder<O extends SceneObject>(objects: readonly O[]): O[] {
  return [...objects].sort((a, b) => centreX(a) - centreX(b));
}

/**
 * REFERENCE.md "Digit scenes" 6: the objects' words (`words[index]`, by default the digit itself)
 * ordered by box centre x, left to right, joined by single spaces.
 */
export function captionOf(
  objects: readonly SceneObject[],
  words: readonly string[] = CAPTION_VOCABULARY,
): string {
  return captionOrder(objects)
    .map((object) => {
      const word = words[object.index];
      if (word === undefined) throw new RangeError(`class ${object.index} has no word`);
      return word;
    })
    .join(' ');
}

/** The caption's words as token indices, without `<start>` or `<end>` (a captioner adds those itself). */
export function captionTokens(caption: string): Int32Array {
  if (caption === '') return new Int32Array(0);
  return Int32Array.from(caption.split(' '), (word) => {
    const token = CAPTION_VOCABULARY.indexOf(word);
    if (token < 0 || token >= START_TOKEN) throw new RangeError(`'${word}' is not a caption word`);
    return token;
  });
}
