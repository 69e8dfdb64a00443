import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Aborts when the client goes away or the handler timeout fires. Not `request.signal` alone: it also
 * aborts as soon as the request body has been read (the IncomingMessage closes), long before the reply.
 */
export function cancellation(request: FastifyRequest, reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  const onAbort = () => {
    const reason = request.signal.reason as { code?: string } | undefined;
    if (reason?.code === 'FST_ERR_HANDLER_TIMEOUT') controller.abort();
  };
  if (request.signal.aborted) onAbort();
  else request.signal.addEventListener('abort', onAbort, { once: true });
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
