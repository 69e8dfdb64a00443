import {
  DEFAULT_ALIAS,
  modelParamsSchema,
  oipInferRequestSchema,
  oipInferResponseSchema,
  oipLiveSchema,
  oipModelMetadataSchema,
  oipModelReadySchema,
  oipReadySchema,
  oipServerMetadataSchema,
  versionParamsSchema,
} from '@ocellus/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ApiError, invalidParameter } from '../../errors.js';
import { pingRedis } from '../../serving/redis-ping.js';
import { resolveVersion } from '../../serving/selection.js';
import { SERVER_VERSION } from '../../version.js';
import { errorResponses } from '../responses.js';

const tags = ['open inference protocol'];

/** The Open Inference Protocol (KServe V2) subset: health, metadata, readiness and tensor inference. */
const oipRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { registry, models } = fastify;

  /** An explicit version, else the `production` alias, else the newest version. */
  const versionOf = async (name: string, version: number | undefined) => {
    if (version !== undefined) return resolveVersion(registry, name, { version });
    const summary = await registry.describe(name);
    return summary.aliases[DEFAULT_ALIAS] ?? Math.max(...summary.versions);
  };

  fastify.get('/v2', { schema: { tags, response: { 200: oipServerMetadataSchema } } }, async () => ({
    name: 'ocellus',
    version: SERVER_VERSION,
    extensions: [],
  }));

  fastify.get('/v2/health/live', { schema: { tags, response: { 200: oipLiveSchema } } }, async () => ({
    live: true,
  }));

  fastify.get(
    '/v2/health/ready',
    { schema: { tags, response: { 200: oipReadySchema, 503: oipReadySchema } } },
    async (_request, reply) => {
      const { redisUrl } = fastify.config;
      const ready = (await fastify.modelsReady()) && (redisUrl === undefined || (await pingRedis(redisUrl)));
      return reply.code(ready ? 200 : 503).send({ ready });
    },
  );

  for (const path of ['/v2/models/:name', '/v2/models/:name/versions/:version']) {
    const params = path.includes(':version') ? versionParamsSchema : modelParamsSchema;

    fastify.get(
      path,
      {
        config: { auth: 'inference' },
        schema: {
          tags,
          params,
          response: { 200: oipModelMetadataSchema, ...errorResponses(400, 401, 404, 503) },
        },
      },
      async (request) => {
        const { name } = request.params;
        const version = await versionOf(name, (request.params as { version?: number }).version);
        const { model } = await models.get(name, version);
        const { channels, height, width } = model.inputSpec;
        return {
          name,
          versions: (await registry.describe(name)).versions.map(String),
          platform: 'ocellus' as const,
          inputs: [{ name: 'input', datatype: 'FP32' as const, shape: [-1, channels, height, width] }],
          outputs: [...(model.outputs ?? [])],
        };
      },
    );

    fastify.get(
      `${path}/ready`,
      {
        config: { auth: 'inference' },
        schema: {
          tags,
          params,
          response: { 200: oipModelReadySchema, 503: oipModelReadySchema, ...errorResponses(400, 401, 404) },
        },
      },
      async (request, reply) => {
        const { name } = request.params;
        const version = await versionOf(name, (request.params as { version?: number }).version);
        const ready = models.peek(name, version) !== undefined;
        return reply.code(ready ? 200 : 503).send({ name, ready });
      },
    );

    fastify.post(
      `${path}/infer`,
      {
        config: { auth: 'inference' },
        schema: {
          tags,
          params,
          body: oipInferRequestSchema,
          response: { 200: oipInferResponseSchema, ...errorResponses(400, 401, 404, 413, 501, 503) },
        },
      },
      async (request) => {
        const { name } = request.params;
        const version = await versionOf(name, (request.params as { version?: number }).version);
        const loaded = await models.get(name, version);
        request.servedModel = { name, version };
        const { model } = loaded;
        if (model.infer === undefined) {
          throw new ApiError(
            501,
            'NOT_SUPPORTED',
            `model '${name}' version ${version} has no tensor interface`,
          );
        }
        const [input, ...rest] = request.body.inputs;
        if (input === undefined || rest.length > 0)
          throw invalidParameter('expected exactly one input tensor');
        const { channels, height, width } = model.inputSpec;
        const [n, ...item] = input.shape.length === 3 ? [1, ...input.shape] : input.shape;
        if (n === undefined || n < 1 || item.join('x') !== `${channels}x${height}x${width}`) {
          throw invalidParameter(
            `input '${input.name}' must have shape [n, ${channels}, ${height}, ${width}]`,
          );
        }
        if (input.data.length !== n * channels * height * width) {
          throw invalidParameter(
            `input '${input.name}' has ${input.data.length} values, its shape needs ${n * channels * height * width}`,
          );
        }
        const tensors = await model.infer(Float32Array.from(input.data), n);
        const wanted = request.body.outputs?.map((o) => o.name);
        const missing = wanted?.filter((o) => !(o in tensors));
        if (missing !== undefined && missing.length > 0)
          throw invalidParameter(`unknown output '${missing[0]}'`);
        return {
          model_name: name,
          model_version: String(version),
          ...(request.body.id !== undefined ? { id: request.body.id } : {}),
          outputs: Object.entries(tensors)
            .filter(([output]) => wanted === undefined || wanted.includes(output))
            .map(([output, tensor]) => ({
              name: output,
              shape: tensor.shape,
              datatype: 'FP32' as const,
              data: Array.from(tensor.data),
            })),
        };
      },
    );
  }
};

export default oipRoutes;
