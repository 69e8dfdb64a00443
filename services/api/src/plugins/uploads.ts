import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import type { Limits } from '../config.js';

/** Multipart uploads with explicit limits, and raw `image/*` bodies capped at the file size limit. */
export default fp<{ limits: Limits }>(
  async (fastify, { limits }) => {
    await fastify.register(multipart, {
      limits: {
        fileSize: limits.maxFileBytes,
        files: limits.maxFiles,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes,
        parts: limits.maxParts,
      },
    });
    fastify.addContentTypeParser(
      /^image\/[\w.+-]+/,
      { parseAs: 'buffer', bodyLimit: limits.maxFileBytes },
      (_request, body, done) => done(null, body),
    );
  },
  { name: 'ocellus-uploads' },
);
