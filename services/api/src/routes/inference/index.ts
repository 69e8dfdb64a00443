import {
  DEFAULT_MODEL_OF_TASK,
  inferenceOptionsSchemas,
  inferenceResponseSchema,
  TASKS,
} from '@ocellus/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { runInference } from '../../serving/inference.js';
import { errorResponses } from '../responses.js';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/tiff', 'image/avif'];

/** `POST /v1/{classify,localize,detect,segment,caption}`: one route per task, all served by one handler. */
const inferenceRoutes: FastifyPluginAsyncZod = async (fastify) => {
  for (const task of TASKS) {
    fastify.post(
      `/v1/${task}`,
      {
        config: { auth: 'inference' },
        schema: {
          tags: ['inference'],
          summary: `${task[0]!.toUpperCase()}${task.slice(1)} images with model '${DEFAULT_MODEL_OF_TASK[task]}' unless told otherwise`,
          description:
            "multipart/form-data with one or more 'image' files (options may also be text fields), or a raw image/* body. " +
            'One result per image, in upload order; boxes are in pixels of the upload, masks are COCO RLE.',
          consumes: ['multipart/form-data', ...IMAGE_TYPES],
          security: [{ bearer: [] }],
          querystring: inferenceOptionsSchemas[task],
          response: {
            200: inferenceResponseSchema(task),
            ...errorResponses(400, 401, 404, 409, 413, 415, 500, 503),
          },
        },
      },
      (request, reply) => runInference(task, request, reply),
    );
  }
};

export default inferenceRoutes;
