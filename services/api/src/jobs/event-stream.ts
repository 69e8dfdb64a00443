import type { StoredJobEvent } from '@ocellus/jobs/store';
import type { FastifyReply } from 'fastify';

/** Proxies close idle connections (often after 30-60 s); a comment line every 15 s keeps the stream open. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(event: StoredJobEvent): void;
  end(): void;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
}

/**
 * Takes the reply over as a Server-Sent Events stream (WHATWG HTML "Server-sent events"): `id` is the
 * event's place in the job's log, so a client reconnecting with `Last-Event-ID` misses nothing.
 */
export function openEventStream(reply: FastifyReply, requestId: string): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
    // One stream per connection: a shutdown can then end it without leaving a keep-alive socket behind.
    connection: 'close',
  });
  const controller = new AbortController();
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  const end = () => {
    clearInterval(heartbeat);
    if (!res.writableEnded) res.end();
  };
  res.on('close', () => {
    end();
    controller.abort();
  });
  res.write('retry: 3000\n\n');
  return {
    send(event) {
      res.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
    },
    end,
    signal: controller.signal,
  };
}
