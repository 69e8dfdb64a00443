import type { ImportLimits } from './limits.js';

export type DatasetErrorCode =
  | 'NOT_FOUND'
  | 'INVALID_NAME'
  | 'IN_USE'
  | 'INVALID_ARCHIVE'
  | 'INVALID_DATASET'
  | 'LIMIT_EXCEEDED'
  | 'CORRUPT';

/** A refusal of the dataset store; `limit` names the import limit a LIMIT_EXCEEDED ran into. */
export class DatasetError extends Error {
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    readonly limit?: keyof ImportLimits,
  ) {
    super(message);
    this.name = 'DatasetError';
  }
}

export function overLimit(limit: keyof ImportLimits, value: number, what: string): DatasetError {
  return new DatasetError('LIMIT_EXCEEDED', `${what} is over the limit ${limit} = ${value}`, limit);
}
