/** Thrown when a captioner's labels lack one of the special tokens it needs. */
export class VocabularyError extends Error {
  override readonly name = 'VocabularyError';
}

/**
 * A captioner's vocabulary read from its labels: the special tokens `<start>`, `<end>` and `<pad>`,
 * and the tokens a caption may emit at each step (every word, then `<end>`).
 */
export class CaptionVocabulary {
  readonly start: number;
  readonly end: number;
  readonly pad: number;
  /** Token indices a decoder chooses from: the words in label order, then `<end>`. */
  readonly choices: Int32Array;

  constructor(readonly labels: readonly string[]) {
    const special = (name: string) => {
      const index = labels.indexOf(name);
      if (index < 0)
        throw new VocabularyError(`a captioner's labels need '${name}' (have ${labels.join(' ')})`);
      return index;
    };
    this.start = special('<start>');
    this.end = special('<end>');
    this.pad = special('<pad>');
    const words = labels.flatMap((_, i) => (i === this.start || i === this.end || i === this.pad ? [] : [i]));
    if (words.length === 0)
      throw new VocabularyError('a captioner needs at least one word besides its special tokens');
    this.choices = Int32Array.from([...words, this.end]);
  }

  get size(): number {
    return this.labels.length;
  }

  isWord(token: number): boolean {
    return (
      token !== this.start && token !== this.end && token !== this.pad && token >= 0 && token < this.size
    );
  }
}
