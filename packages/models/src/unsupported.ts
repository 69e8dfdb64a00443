/** A valid architecture asking for something this build does not have (it fails the same way every time). */
export class UnsupportedArchitectureError extends Error {
  override readonly name = 'UnsupportedArchitectureError';
}
