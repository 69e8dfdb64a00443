import type { Readable } from 'node:stream';
import {
  datasetDetailSchema,
  datasetImportOptionsSchema,
  datasetManifestSchema,
  datasetParamsSchema,
  datasetSummarySchema,
  datasetUploadQuerySchema,
  datasetVersionParamsSchema,
} from '@ocellus/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../responses.js';
import { datasetErrorToApi } from './errors.js';
import { datasetUser } from './users.js';

const tags = ['datasets'];
const security = [{ bearer: [] }];
/** Archive bodies are streamed to disk as they come, never buffered; the store tells zip from tar.gz by content. */
const ARCHIVE_TYPES = [
  'application/zip',
  'application/gzip',
  'application/x-gzip',
  'application/octet-stream',
];

/** The dataset store over HTTP: reads need an inference key, uploads and deletes an admin key. */
const datasetRoutes: FastifyPluginAsyncZod = async (fastify) => {
  const { datasets } = fastify;
  const orApiError = async <T>(work: Promise<T>): Promise<T> => {
    try {
      return await work;
    } catch (error) {
      throw datasetErrorToApi(error, fastify.config.datasetMaxUploadBytes);
    }
  };
  fastify.addContentTypeParser(ARCHIVE_TYPES, (_request, payload, done) => done(null, payload));

  fastify.post(
    '/v1/datasets',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Upload a dataset archive (zip or tar.gz) as a new version',
        description:
          'The body is the archive; it is streamed to disk and checked while it is extracted (entry count, ' +
          'sizes, compression ratio, paths, links). Images that do not decode, and captions a captioner cannot ' +
          'learn (format `captions`), are listed under `rejected`, ' +
          'or fail the upload with `strict=true`. Nothing is left behind by a refused upload.',
        security,
        querystring: datasetUploadQuerySchema,
        response: { 201: datasetManifestSchema, ...errorResponses(400, 401, 403, 413, 415) },
      },
    },
    async (request, reply) => {
      const { name, ...options } = request.query;
      const manifest = await orApiError(
        datasets.import(
          name,
          { kind: 'archive', stream: request.body as Readable },
          datasetImportOptionsSchema.parse(options),
        ),
      );
      request.log.info(
        { dataset: name, version: manifest.version, images: manifest.images.count },
        'dataset imported',
      );
      return reply
        .code(201)
        .header('location', `/v1/datasets/${name}/versions/${manifest.version}`)
        .send(manifest);
    },
  );

  fastify.get(
    '/v1/datasets',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'List datasets',
        response: { 200: z.array(datasetSummarySchema), ...errorResponses(401) },
      },
    },
    () => orApiError(datasets.list()),
  );

  fastify.get(
    '/v1/datasets/:name',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary: 'Describe a dataset and each of its versions',
        params: datasetParamsSchema,
        response: { 200: datasetDetailSchema, ...errorResponses(400, 401, 404) },
      },
    },
    (request) => orApiError(datasets.describe(request.params.name)),
  );

  fastify.get(
    '/v1/datasets/:name/versions/:version',
    {
      config: { auth: 'inference' },
      schema: {
        tags,
        summary:
          'A version: counts per class and split, image sizes and channels, rejected files, duplicates',
        params: datasetVersionParamsSchema,
        response: { 200: datasetManifestSchema, ...errorResponses(400, 401, 404, 500) },
      },
    },
    (request) => orApiError(datasets.manifest(request.params.name, request.params.version)),
  );

  fastify.delete(
    '/v1/datasets/:name/versions/:version',
    {
      config: { auth: 'admin' },
      schema: {
        tags,
        summary: 'Delete a version no job or model uses',
        description: 'Refused (409 DATASET_IN_USE) while an unfinished job or a published model names it.',
        security,
        params: datasetVersionParamsSchema,
        response: { 204: z.undefined(), ...errorResponses(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { name, version } = request.params;
      await orApiError(datasets.deleteVersion(name, version, (dataset) => datasetUser(fastify, dataset)));
      return reply.code(204).send();
    },
  );
};

export default datasetRoutes;
