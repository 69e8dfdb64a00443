import { DatasetError } from '@ocellus/datasets';
import { ApiError, payloadTooLarge, withoutPaths } from '../../errors.js';

/** The store's refusals in the API's terms; a limit names its setting (the upload's is an environment variable). */
export function datasetErrorToApi(error: unknown, maxUploadBytes: number): unknown {
  if (!(error instanceof DatasetError)) return error;
  const message = withoutPaths(error.message);
  switch (error.code) {
    case 'NOT_FOUND':
      return new ApiError(404, 'DATASET_NOT_FOUND', message);
    case 'INVALID_NAME':
      return new ApiError(400, 'INVALID_PARAMETER', message);
    case 'IN_USE':
      return new ApiError(409, 'DATASET_IN_USE', message);
    case 'INVALID_ARCHIVE':
      return new ApiError(400, 'INVALID_ARCHIVE', message);
    case 'INVALID_DATASET':
      return new ApiError(400, 'INVALID_DATASET', message);
    case 'LIMIT_EXCEEDED':
      return error.limit === 'maxArchiveBytes'
        ? payloadTooLarge('the archive', maxUploadBytes, 'OCELLUS_DATASET_MAX_UPLOAD_BYTES')
        : new ApiError(413, 'PAYLOAD_TOO_LARGE', message);
    case 'CORRUPT':
      return new ApiError(500, 'ARTIFACT_CORRUPT', message);
  }
}
