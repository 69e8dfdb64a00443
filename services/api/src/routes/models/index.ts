import {
  aliasParamsSchema,
  manifestObjectSchema,
  modelDetailSchema,
  modelParamsSchema,
  modelSummarySchema,
  setAliasBodySchema,
  setAliasResponseSchema,
  versionParamsSchema,
} from '@ocellus/contracts';
import { RegistryError } from '@ocellus/registry';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import { ModelLoadError } from '../../serving/model-cache.js';
import { resolveVersion } from '../../serving/selection.js';
import { ArtifactCorruptError, openVerifiedWeights } from '../../serving/verified-weights.js';
import { errorResponses } from '../responses.js';

const tags = ['models'];

const WEIGHTS_HEADERS = ['content-type', 'content-length', 'content-disposition', 'etag', 'repr-digest'];

/** If-None-Match (RFC 9110 13.1.2): `*` or any listed tag equal to `etag` under weak comparison. */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === etag;
  });
}

/** The registry API (API.md "Model registry"): reads need an inference key, changes an admin key. */
const modelRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { registry, models, aliases } = fastify;

  fastify.get(
    '/v1/models',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'List models',
        response: { 200: z.array(modelSummarySchema), ...errorResponses(401) },
      },
    },
    () => registry.listModels(),
  );

  fastify.get(
    '/v1/models/:name',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'Describe a model and each of its versions',
        params: modelParamsSchema,
        response: { 200: modelDetailSchema, ...errorResponses(400, 401, 404) },
      },
    },
    async (request) => {
      const { manifests, ...summary } = await registry.describe(request.params.name);
      return {
        ...summary,
        manifests: manifests.map((m) => ({
          version: m.version,
          created: m.created,
          trainingJobId: m.trainingJobId,
          metrics: m.metrics,
          bytes: m.weights.bytes,
          sha256: m.weights.sha256,
          aliases: Object.entries(summary.aliases)
            .filter(([, version]) => version === m.version)
            .map(([alias]) => alias),
        })),
      };
    },
  );

  fastify.get(
    '/v1/models/:name/versions/:version',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'The full manifest of a version',
        params: versionParamsSchema,
        response: { 200: manifestObjectSchema, ...errorResponses(400, 401, 404) },
      },
    },
    (request) => registry.manifest(request.params.name, request.params.version),
  );

  fastify.get(
    '/v1/models/:name/versions/:version/weights',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'Download the safetensors file of a version',
        description:
          'The ETag is the sha256 of the file (If-None-Match answers 304). A file on disk that does ' +
          'not match its manifest is a 500 ARTIFACT_CORRUPT, or a body cut short once streaming began.',
        params: versionParamsSchema,
        response: {
          200: {
            description: 'model.safetensors',
            content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
          },
          304: z.undefined().describe('If-None-Match names the current ETag'),
          ...errorResponses(400, 401, 404, 500),
        },
      },
      errorHandler: (error, request, reply) => {
        if (!(error instanceof ArtifactCorruptError)) throw error;
        // The stream's headers already reached the raw response; none of them describe an error.
        for (const header of WEIGHTS_HEADERS) {
          reply.removeHeader(header);
          reply.raw.removeHeader(header);
        }
        request.log.error({ err: error }, 'weights do not match their manifest');
        throw new ApiError(500, 'ARTIFACT_CORRUPT', error.message);
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      const manifest = await registry.manifest(name, version);
      const etag = `"${manifest.weights.sha256}"`;
      if (matchesEtag(request.headers['if-none-match'], etag)) {
        return reply.code(304).header('etag', etag).send(undefined);
      }
      const weights = await openVerifiedWeights(registry.weightsPath(name, version), manifest.weights);
      return (
        reply
          .type('application/octet-stream')
          .header('content-length', manifest.weights.bytes)
          .header('content-disposition', `attachment; filename="${name}-${version}.safetensors"`)
          .header('etag', etag)
          .header(
            'repr-digest',
            `sha-256=:${Buffer.from(manifest.weights.sha256, 'hex').toString('base64')}:`,
          )
          // Streams skip the serializer; the cast only meets the binary string the schema documents.
          .send(weights as unknown as string)
      );
    },
  );

  fastify.put(
    '/v1/models/:name/aliases/:alias',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Point an alias at a version (promote or roll back)',
        description:
          'The version is loaded and warmed first; if that fails the alias stays where it was (409).',
        security: [{ bearer: [] }],
        params: aliasParamsSchema,
        body: setAliasBodySchema,
        response: { 200: setAliasResponseSchema, ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request) => {
      const { name, alias } = request.params;
      const { version } = request.body;
      await resolveVersion(aliases, name, { version });
      const previous = (await registry.aliases(name))[alias] ?? null;
      try {
        await models.get(name, version);
      } catch (error) {
        if (error instanceof ModelLoadError) {
          throw new ApiError(
            409,
            'MODEL_LOAD_FAILED',
            `alias '${alias}' stays on ${previous ?? 'nothing'}: ${error.reason}`,
          );
        }
        throw error;
      }
      await registry.setAlias(name, alias, version);
      await aliases.refresh(name);
      models.retain(name, new Set(aliases.aliasesOf(name).values()));
      request.log.info({ model: name, alias, version, previous }, 'alias moved');
      return { name, alias, version, previous };
    },
  );

  fastify.delete(
    '/v1/models/:name/versions/:version',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Delete a version no alias points at',
        security: [{ bearer: [] }],
        params: versionParamsSchema,
        response: { 204: z.undefined(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      await resolveVersion(aliases, name, { version });
      try {
        await registry.deleteVersion(name, version);
      } catch (error) {
        if (error instanceof RegistryError && error.code === 'CONFLICT') {
          throw new ApiError(409, 'VERSION_IN_USE', error.message);
        }
        throw error;
      }
      await aliases.refresh(name);
      models.evict(name, version);
      return reply.code(204).send();
    },
  );
};

export default modelRoutes;
