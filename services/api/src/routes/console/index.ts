import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/**
 * The page runs only its own files: scripts, styles and API calls from this origin; images may also be
 * the user's uploads and drawings (blob:) and the empty favicon (data:). No inline script or style.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** What a public page needs besides its CSP (OWASP Secure Headers). */
const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

const NOT_BUILT =
  'The Ocellus console is not built here, so / has nothing to show.\n' +
  'Build it with `npm run build` (or `npx turbo run build --filter=@ocellus/console`) and restart the API,\n' +
  'or point OCELLUS_CONSOLE_DIR at a built console. The JSON API is served as usual: /docs, /v1/models.\n';

/**
 * The console (`@ocellus/console`, built by Vite) at `/`: `index.html` never cached, the hashed files under
 * `/assets/` cached for good. Without a build, `/` says how to make one and the API starts all the same.
 */
const consoleRoutes: FastifyPluginAsync = async (fastify) => {
  const dir = fastify.config.consoleDir;
  fastify.addHook('onRequest', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
  });
  if (dir === undefined || !existsSync(join(dir, 'index.html'))) {
    fastify.log.warn({ dir }, 'the console is not built: / says how to build it');
    fastify.get('/', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }
  await fastify.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: 'index.html',
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header(
        'cache-control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
};

export default consoleRoutes;
