import type { FastifyRequest } from 'fastify';
import { LIMIT_SETTINGS, type Limits } from '../config.js';
import { ApiError, invalidParameter, payloadTooLarge, quotedName } from '../errors.js';

export interface Upload {
  images: Buffer[];
  /** Text fields of a multipart body (options such as `model` or `topk`). */
  fields: Record<string, string>;
}

const IMAGE_FIELD = 'image';

/** The service's limits in @fastify/multipart's (busboy's) terms. */
export function multipartLimits(limits: Limits) {
  return {
    fileSize: limits.maxFileBytes,
    files: limits.maxFiles,
    fields: limits.maxFields,
    fieldSize: limits.maxFieldBytes,
    parts: limits.maxParts,
  };
}

/** @fastify/multipart's limit errors, by code, as the 413 that names the setting to raise. */
function multipartError(error: { code?: string; message: string }, limits: Limits): ApiError | undefined {
  switch (error.code) {
    case 'FST_PARTS_LIMIT':
      return payloadTooLarge('the number of multipart parts', limits.maxParts, LIMIT_SETTINGS.maxParts);
    case 'FST_FILES_LIMIT':
      return payloadTooLarge('the number of files', limits.maxFiles, LIMIT_SETTINGS.maxFiles);
    case 'FST_FIELDS_LIMIT':
      return payloadTooLarge('the number of text fields', limits.maxFields, LIMIT_SETTINGS.maxFields);
    case 'FST_REQ_FILE_TOO_LARGE':
      return payloadTooLarge('an uploaded file', limits.maxFileBytes, LIMIT_SETTINGS.maxFileBytes);
    case 'FST_PROTO_VIOLATION':
    case 'FST_INVALID_JSON_FIELD_ERROR':
    case 'FST_MP_PREMATURE_CLOSE':
      return invalidParameter(`malformed multipart body (${error.code})`);
    default:
      return undefined;
  }
}

/** Called with each multipart text field as it is read, before the parts that follow it. */
export type OnField = (name: string, value: string) => void;

async function readMultipart(request: FastifyRequest, limits: Limits, onField: OnField): Promise<Upload> {
  const images: Buffer[] = [];
  const fields: Record<string, string> = {};
  const parts = request.parts({ limits: multipartLimits(limits) });
  for await (const part of parts) {
    if (part.type === 'file') {
      if (part.fieldname !== IMAGE_FIELD) {
        part.file.resume();
        throw invalidParameter(
          `unexpected file field ${quotedName(part.fieldname)}; images go in '${IMAGE_FIELD}'`,
        );
      }
      const bytes = await part.toBuffer();
      // Limits are enforced while streaming; a truncated file must never reach the decoder.
      if (part.file.truncated) {
        throw payloadTooLarge('an uploaded file', limits.maxFileBytes, LIMIT_SETTINGS.maxFileBytes);
      }
      images.push(bytes);
    } else {
      if (part.valueTruncated) {
        throw payloadTooLarge(
          `field ${quotedName(part.fieldname)}`,
          limits.maxFieldBytes,
          LIMIT_SETTINGS.maxFieldBytes,
        );
      }
      if (part.fieldname in fields)
        throw invalidParameter(`field ${quotedName(part.fieldname)} is given twice`);
      const value = String(part.value);
      fields[part.fieldname] = value;
      onField(part.fieldname, value);
    }
  }
  return { images, fields };
}

/** The images of a request: multipart `image` files, or a raw `image/*` body. */
export async function readUpload(request: FastifyRequest, limits: Limits, onField: OnField): Promise<Upload> {
  let upload: Upload;
  if (request.isMultipart()) {
    try {
      upload = await readMultipart(request, limits, onField);
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const mapped = multipartError(error as { code?: string; message: string }, limits);
      if (mapped !== undefined) throw mapped;
      // Busboy's own parse errors (bad boundary, truncated part) are the client's malformed body.
      throw invalidParameter('malformed multipart body: its boundary or a part header is broken or cut off');
    }
  } else {
    const body = request.body;
    if (body !== undefined && body !== null && body !== '' && !Buffer.isBuffer(body)) {
      throw new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', `send multipart/form-data or an image/* body`);
    }
    upload = { images: Buffer.isBuffer(body) && body.length > 0 ? [body] : [], fields: {} };
  }
  if (upload.images.length === 0) {
    throw new ApiError(
      400,
      'NO_IMAGE',
      `no image: send multipart/form-data with one or more '${IMAGE_FIELD}' files, or an image/* body`,
    );
  }
  return upload;
}
