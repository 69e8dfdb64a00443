import multipart from '@fastify/multipart';
import fp from 'fastify-plugin';
import type { Limits } from '../config.js';
import { multipartLimits } from '../serving/uploads.js';

/** Multipart uploads with explicit limits, and raw `image/*` bodies capped at the file size limit. */
export default fp<{ limits: Limits }>(
  async (fastify, { limits }) => {
    await fastify.register(multipart, { limits: multipartLimits(limits) });
    fastify.addContentTypeParser(
      /^image\/[\w.+-]+/,
      { parseAs: 'buffer', bodyLimit: limits.maxFileBytes },
      (_request, body, done) => done(null, body),
    );
  },
  { name: 'ocellus-uploads' },
);
