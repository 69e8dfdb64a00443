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
import { OIP_SETTINGS } from '../../config.js';
import { ApiError, invalidParameter, modelNotFound, payloadTooLarge, quotedName } from '../../errors.js';
import { inferTensors } from '../../serving/infer-tensors.js';
import { queueReady } from '../../serving/redis-ping.js';
import { resolveVersion } from '../../serving/selection.js';
import { SERVER_VERSION } from '../../version.js';
import { errorResponses } from '../responses.js';

const tags = ['open inference protocol'];

/** The Open Inference Protocol (KServe V2) subset: health, metadata, readiness and tensor inference. */
const oipRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { aliases, models, config } = fastify;

  /** An explicit version, else the `production` alias, else the newest version. */
  const versionOf = async (name: string, version: number | undefined) => {
    if (version !== undefined) return (await resolveVersion(aliases, name, { version })).version;
    const newest = (await aliases.find(name, { alias: DEFAULT_ALIAS }))?.version ?? aliases.newest(name);
    if (newest === undefined) throw modelNotFound(`model '${name}' has no versions`);
    return newest;
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
      const ready = (await fastify.modelsReady()) && (await queueReady(fastify));
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
          versions: aliases.versionsOf(name).map(String),
          platform: 'ocellus' as const,
          inputs: [{ name: 'input', datatype: 'FP32' as const, shape: [-1, channels, height, width] }],
          outputs: [...model.outputs],
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
      async (request, reply) => {
        const { name } = request.params;
        const version = await versionOf(name, (request.params as { version?: number }).version);
        const loaded = await models.get(name, version);
        request.servedModel = { name, version };
        if (loaded.model.outputs.length === 0) {
          throw new ApiError(
            501,
            'NOT_SUPPORTED',
            `model '${name}' version ${version} has no tensor interface`,
          );
        }
        const [input, ...rest] = request.body.inputs;
        if (input === undefined || rest.length > 0)
          throw invalidParameter('expected exactly one input tensor');
        const { channels, height, width } = loaded.model.inputSpec;
        const [n, ...item] = input.shape.length === 3 ? [1, ...input.shape] : input.shape;
        if (n === undefined || n < 1 || item.join('x') !== `${channels}x${height}x${width}`) {
          throw invalidParameter(
            `input ${quotedName(input.name)} must have shape [n, ${channels}, ${height}, ${width}]`,
          );
        }
        const { maxBatch, maxElements } = fastify.config.oip;
        if (n > maxBatch)
          throw payloadTooLarge('the batch of an inference request', maxBatch, OIP_SETTINGS.maxBatch);
        if (input.data.length > maxElements)
          throw payloadTooLarge('the values of an input tensor', maxElements, OIP_SETTINGS.maxElements);
        if (input.data.length !== n * channels * height * width) {
          throw invalidParameter(
            `input ${quotedName(input.name)} has ${input.data.length} values, its shape needs ${n * channels * height * width}`,
          );
        }
        const known = new Set(loaded.model.outputs.map((o) => o.name));
        const wanted = request.body.outputs?.map((o) => o.name) ?? [...known];
        const unknown = wanted.find((o) => !known.has(o));
        if (unknown !== undefined) throw invalidParameter(`unknown output ${quotedName(unknown)}`);
        const tensors = await inferTensors(
          loaded,
          input.data,
          n,
          config.batching.maxBatchSize,
          request,
          reply,
        );
        return {
          model_name: name,
          model_version: String(version),
          ...(request.body.id !== undefined ? { id: request.body.id } : {}),
          outputs: wanted.map((output) => {
            const tensor = tensors.get(output)!;
            return {
              name: output,
              shape: tensor.shape,
              datatype: 'FP32' as const,
              data: Array.from(tensor.data),
            };
          }),
        };
      },
    );
  }
};

export default oipRoutes;
