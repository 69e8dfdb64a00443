import { CAPTION_MAX_WORDS, CAPTION_SPECIAL_TOKENS, type Split } from '@ocellus/contracts';
import {
  type CocoCaptionImage,
  type CocoCaptions,
  cocoImageCaptions,
  parseCocoCaptions,
} from '@ocellus/vision/coco';
import { DatasetError } from '../errors.js';
import type { ImportLimits } from '../limits.js';
import {
  type CocoDocumentKind,
  holdsArrays,
  namedImage,
  readCocoDocuments,
  splitOfName,
} from './coco-files.js';
import type { FormatReader } from './image-sink.js';

const MAX_WORD_CHARS = 100;
/** Distinct words of one dataset: a captioner scores every word at every step. */
const MAX_VOCABULARY_WORDS = 10_000;

/** COCO's captions files hold images and annotations; an instances file beside them (categories) is not one. */
const CAPTIONS: CocoDocumentKind<CocoCaptions> = {
  name: 'captions',
  marks: 'images, annotations with captions, no categories',
  isDocument: (json) => holdsArrays(json, ['images', 'annotations']) && json['categories'] === undefined,
  parse: parseCocoCaptions,
};

const IMAGE_SPLITS: { readonly [S in NonNullable<CocoCaptionImage['split']>]: Split } = {
  train: 'train',
  restval: 'train',
  val: 'validation',
  validation: 'validation',
  test: 'test',
};

const RESERVED: readonly string[] = CAPTION_SPECIAL_TOKENS;

/** A caption's words (split on whitespace, kept as written), or why a captioner cannot learn it. */
function captionWords(text: string): string[] | { reason: string } {
  const words = text.split(/\s+/).filter((word) => word !== '');
  if (words.length === 0) return { reason: 'is empty' };
  if (words.length > CAPTION_MAX_WORDS) {
    return {
      reason: `has ${words.length} words, over the limit of ${CAPTION_MAX_WORDS} (the captioner's largest maxLength)`,
    };
  }
  const reserved = words.find((word) => RESERVED.includes(word));
  if (reserved !== undefined) return { reason: `uses ${reserved}, a token the captioner reserves` };
  if (words.some((word) => word.length > MAX_WORD_CHARS)) {
    return { reason: `has a word over ${MAX_WORD_CHARS} characters` };
  }
  return words;
}

/**
 * COCO captions: every JSON of the upload holding `images` and `annotations` (`{image_id, caption}`, any
 * number an image) but no `categories`, and the images they name, found as the coco format finds them. A
 * caption that cannot train is listed as rejected with its path; an image left without one is rejected.
 * An image's split is its `split` field, else its document's name when there are several documents. The
 * labels are the vocabulary: every word of the usable captions, in code-point order.
 */
export function captionsReader(limits: ImportLimits): FormatReader {
  return async (root, sink) => {
    const documents = await readCocoDocuments(root, sink, limits, CAPTIONS);
    const vocabulary = new Set<string>();
    for (const { file, doc } of documents) {
      const fileSplit = documents.length === 1 ? null : splitOfName(file);
      for (const { image, captions } of cocoImageCaptions(doc)) {
        const found = await namedImage(root, file, image.file_name, sink);
        if (found === null) continue;
        const usable: string[][] = [];
        for (const { annotation, text } of captions) {
          const words = captionWords(text);
          if (Array.isArray(words)) usable.push(words);
          else sink.reject(found.name, `caption annotations[${annotation}] of ${file} ${words.reason}`);
        }
        if (usable.length === 0) {
          sink.reject(
            found.name,
            captions.length === 0 ? 'no caption names this image' : 'none of its captions is usable',
          );
          continue;
        }
        for (const words of usable) for (const word of words) vocabulary.add(word);
        if (vocabulary.size > MAX_VOCABULARY_WORDS) {
          throw new DatasetError(
            'INVALID_DATASET',
            `the captions hold over ${MAX_VOCABULARY_WORDS} distinct words (the vocabulary limit)`,
          );
        }
        const split = image.split === undefined ? fileSplit : IMAGE_SPLITS[image.split];
        // The training caption's length is the image's class for a split stratified by length.
        await sink.addFile(found.path, found.name, usable[0]!.length, split, {
          width: image.width,
          height: image.height,
          captions: usable.map((words) => words.join(' ')),
        });
      }
    }
    return [...vocabulary].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  };
}
