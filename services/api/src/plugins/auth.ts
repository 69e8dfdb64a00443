import { createHash, timingSafeEqual } from 'node:crypto';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

const digest = (key: string) => createHash('sha256').update(key).digest();

/** Compares digests in constant time, so neither a key's length nor its prefix leaks through timing. */
function matches(candidate: Buffer, keys: readonly Buffer[]): boolean {
  let found = false;
  for (const key of keys) found = timingSafeEqual(candidate, key) || found;
  return found;
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

const unauthorized = (message: string) =>
  new ApiError(401, 'UNAUTHORIZED', message, { headers: { 'www-authenticate': 'Bearer realm="ocellus"' } });

/**
 * Bearer keys per route (`config.auth`): admin routes need an admin key once admin keys are configured;
 * inference routes need an inference or admin key once inference keys are configured.
 */
export default fp(
  async (fastify) => {
    const adminKeys = fastify.config.adminKeys.map(digest);
    const inferenceKeys = fastify.config.inferenceKeys.map(digest);
    fastify.addHook('onRequest', async (request) => {
      const auth = request.routeOptions.config.auth;
      const required = auth === 'admin' ? adminKeys : auth === 'inference' ? inferenceKeys : [];
      if (required.length === 0) return;
      const key = bearer(request.headers.authorization);
      if (key === undefined) throw unauthorized(`this route needs 'Authorization: Bearer <key>'`);
      const candidate = digest(key);
      if (auth === 'admin') {
        if (matches(candidate, adminKeys)) return;
        if (matches(candidate, inferenceKeys))
          throw new ApiError(403, 'FORBIDDEN', 'this route needs an admin key');
        throw unauthorized('unknown key');
      }
      if (!matches(candidate, inferenceKeys) && !matches(candidate, adminKeys))
        throw unauthorized('unknown key');
    });
  },
  { name: 'ocellus-auth', dependencies: ['ocellus-context'] },
);
