export type ImageErrorKind = 'decode-failed' | 'too-many-pixels' | 'too-small' | 'unsupported-format';

/** Why an upload could not become model input; the API maps each kind to its status code. */
export class ImageError extends Error {
  constructor(
    readonly kind: ImageErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ImageError';
  }
}
