/** One Server-Sent Event as a client sees it. */
export interface JobStreamEvent {
  id: string;
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are checked by the tests that read them
  data: any;
}

export interface FollowOptions {
  headers?: Record<string, string>;
  /** Resume after this event (the SSE `Last-Event-ID` header). */
  lastEventId?: string;
  /** Called for each event; returning true closes the stream. */
  onEvent?: (event: JobStreamEvent) => boolean | undefined | Promise<boolean | undefined>;
}

/** Parses `text/event-stream` blocks (WHATWG HTML "Server-sent events"): id, event and data lines. */
function parseBlock(block: string): JobStreamEvent | null {
  const fields: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
  }
  if (fields.event === undefined || fields.data === undefined) return null;
  return { id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data) };
}

/**
 * Follows `GET /v1/jobs/{id}/events` until the server ends the stream (after `completed` or `failed`),
 * `onEvent` says stop, or the connection breaks; returns the events seen.
 */
export async function followJob(
  baseUrl: string,
  id: string,
  options: FollowOptions = {},
): Promise<JobStreamEvent[]> {
  const controller = new AbortController();
  const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const seen: JobStreamEvent[] = [];
  const response = await fetch(`${baseUrl}/v1/jobs/${id}/events`, { headers, signal: controller.signal });
  if (response.status !== 200 || response.body === null) throw new Error(`events: HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const event = parseBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event === null) continue;
        seen.push(event);
        if (await options.onEvent?.(event)) {
          controller.abort();
          return seen;
        }
      }
    }
  } catch {
    // The server went away mid-stream (a crash test): the caller gets what arrived.
  }
  return seen;
}

/** The first progress event of epoch 2, before its end: where a crash test pulls the plug. */
export const midEpoch2 = (event: JobStreamEvent) =>
  event.event === 'progress' && event.data.epoch === 2 && event.data.step < event.data.steps;
