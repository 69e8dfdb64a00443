export type ImageErrorKind = 'decode-failed' | 'too-many-pixels' | 'too-small' | 'unsupported-format';

/**
 * Why an upload could not become model input; the API maps each kind to its status code. The message is
 * the client's to read; libvips' own words (which may name files and its internals) stay in `cause`.
 */
export class ImageError extends Error {
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImageError';
  }
}
