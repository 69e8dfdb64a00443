import { DEFAULT_MODEL_OF_TASK, TASKS, type Task } from '@ocellus/contracts';
import type { FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge } from 'prom-client';
import { ApiError } from '../errors.js';
import { type Admission, DecodeSlots, InFlight, ShedError } from '../serving/admission.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Requests in flight on the inference routes, in total and per model. */
    inFlight: InFlight;
    /** The bounded image decodes; pass to `decodeUploads`. */
    decodeSlots: DecodeSlots;
  }
  interface FastifyRequest {
    /** The place an inference request holds in `inFlight`; null on the routes admission does not count. */
    admission: Admission | null;
  }
}

/** The model an inference request is for, from what is known before its body, or undefined when its body names it. */
type ModelOf = (request: FastifyRequest) => string | undefined;

// Looser than Fastify's parser match, so no body it reads as multipart is counted against the default.
const MULTIPART = /multipart\/form-data/i;

/**
 * The query's `model`, else the task's default, except for a multipart body, whose `model` field names it:
 * that one is counted in the total at once and against its model as the handler reads the field.
 */
const taskModel =
  (task: Task): ModelOf =>
  (request) => {
    const { model } = request.query as { model?: unknown };
    if (typeof model === 'string' && model !== '') return model;
    return MULTIPART.test(request.headers['content-type'] ?? '') ? undefined : DEFAULT_MODEL_OF_TASK[task];
  };
const oipModel: ModelOf = (request) => (request.params as { name: string }).name;

/** The admitted routes, `METHOD url` as Fastify registers them. */
const ADMITTED = new Map<string, ModelOf>([
  ...TASKS.map((task) => [`POST /v1/${task}`, taskModel(task)] as const),
  ['POST /v2/models/:name/infer', oipModel],
  ['POST /v2/models/:name/versions/:version/infer', oipModel],
]);

/**
 * Admission control before anything else: an inference request over the in-flight bounds is answered
 * 503 OVERLOADED with `Retry-After` from its `onRequest` hook, before its body is read; an admitted one
 * holds its slot until the reply is sent or the socket closes. A model named only by a multipart field is
 * checked against its own bound when the handler reads that field, before any image is decoded (see
 * `runInference`). Register before the inference routes.
 */
export default fp(
  async (fastify) => {
    const inFlight = new InFlight(fastify.config.admission);
    const decodeSlots = new DecodeSlots(fastify.config.admission);
    fastify.decorate('inFlight', inFlight);
    fastify.decorate('decodeSlots', decodeSlots);
    fastify.decorateRequest('admission', null);
    new Gauge({
      name: 'ocellus_requests_in_flight',
      help: 'Inference requests admitted and not yet answered',
      registers: [fastify.metricsRegistry],
      collect() {
        this.set(inFlight.count);
      },
    });
    const shed = new Counter({
      name: 'ocellus_requests_shed_total',
      help: 'Inference requests refused with 503 OVERLOADED, by the bound that refused them',
      labelNames: ['reason'],
      registers: [fastify.metricsRegistry],
    });

    const admit =
      (modelOf: ModelOf): onRequestHookHandler =>
      (request, reply, done) => {
        let admission: Admission;
        try {
          admission = inFlight.admit(modelOf(request));
        } catch (error) {
          return done(error as Error);
        }
        request.admission = admission;
        // A response emits 'close' once, after its reply is written or when the socket goes first.
        reply.raw.once('close', admission.release);
        if (reply.raw.destroyed) admission.release();
        done();
      };

    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        const modelOf = ADMITTED.get(`${method} ${route.url}`);
        if (modelOf === undefined) continue;
        route.onRequest = [admit(modelOf), ...[route.onRequest ?? []].flat()];
      }
    });
    fastify.addHook('onError', async (_request, _reply, error) => {
      if (error instanceof ShedError) shed.inc({ reason: error.reason });
      else if (error instanceof ApiError && error.code === 'OVERLOADED') shed.inc({ reason: 'queue' });
    });
  },
  { name: 'ocellus-admission', dependencies: ['ocellus-context', 'ocellus-metrics'] },
);
