import {
  type JobEventName,
  jobEventSchemas,
  jobRecordSchema,
  modelNameSchema,
  taskSchema,
} from '@ocellus/contracts';
import { z } from 'zod';
import { api, apiJson } from '../api.js';
import { serverSentEvents } from '../sse.js';

/**
 * A job record as the page reads it: the spec checked only for what the page shows, since the deployment's
 * caps (OCELLUS_MAX_EPOCHS) may differ from the defaults the page knows.
 */
const recordSchema = jobRecordSchema.extend({
  spec: z.looseObject({ task: taskSchema, model: modelNameSchema }),
});
export type Job = z.infer<typeof recordSchema>;

export const jobPath = (id: string) => `/v1/jobs/${encodeURIComponent(id)}`;

export const getJob = (id: string) => apiJson(jobPath(id), recordSchema);

export const listJobs = (limit: number) => apiJson(`/v1/jobs?limit=${limit}`, z.array(recordSchema));

export type JobEvent = {
  [K in JobEventName]: { name: K; data: z.infer<(typeof jobEventSchemas)[K]> };
}[JobEventName];

function parseEvent(name: string, data: string): JobEvent | null {
  const json: unknown = JSON.parse(data);
  switch (name) {
    case 'progress':
      return { name, data: jobEventSchemas.progress.parse(json) };
    case 'log':
      return { name, data: jobEventSchemas.log.parse(json) };
    case 'completed':
      return { name, data: jobEventSchemas.completed.parse(json) };
    case 'failed':
      return { name, data: jobEventSchemas.failed.parse(json) };
    default:
      return null;
  }
}

const RECONNECT_MS = 1000;

/**
 * A job's events from the first (replayed) to `completed` or `failed`; a dropped stream is resumed with
 * `Last-Event-ID`, so no event is seen twice or missed.
 */
export async function* followJob(id: string, signal: AbortSignal): AsyncGenerator<JobEvent> {
  let lastId: string | undefined;
  while (!signal.aborted) {
    const response = await api(`${jobPath(id)}/events`, {
      headers: lastId === undefined ? {} : { 'last-event-id': lastId },
      signal,
    });
    if (!response.body) return;
    for await (const message of serverSentEvents(response.body)) {
      lastId = message.id ?? lastId;
      const event = parseEvent(message.event, message.data);
      if (event === null) continue;
      yield event;
      if (event.name === 'completed' || event.name === 'failed') return;
    }
    await new Promise((resolve) => setTimeout(resolve, RECONNECT_MS));
  }
}
