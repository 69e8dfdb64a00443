import { describe, expect, it } from 'vitest';
import { serverSentEvents } from '../src/sse.js';

/** A byte stream delivering `chunks` one read at a time, as a network would split them. */
function stream(chunks: string[]): ReadableStream<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(chunks: string[]) {
  const events = [];
  for await (const event of serverSentEvents(stream(chunks))) events.push(event);
  return events;
}

describe('serverSentEvents', () => {
  it('reads the events the job stream sends: retry, comments, id, event and data lines', async () => {
    const events = await all([
      'retry: 3000\n\n',
      'id: 1\nevent: progress\ndata: {"epoch":1}\n\n',
      ': keep-alive\n\n',
      'id: 2\nevent: completed\ndata: {"result":{}}\n\n',
    ]);
    expect(events).toEqual([
      { id: '1', event: 'progress', data: '{"epoch":1}' },
      { id: '2', event: 'completed', data: '{"result":{}}' },
    ]);
  });

  it('joins an event split anywhere across reads, CRLF between reads included, and multi-line data', async () => {
    const events = await all(['id: 7\r', '\nevent: lo', 'g\ndata: first\nda', 'ta: second\r\n', '\r\n']);
    expect(events).toEqual([{ id: '7', event: 'log', data: 'first\nsecond' }]);
  });

  it('names an event without an event line "message", keeps the last id, and drops a cut-off event', async () => {
    const events = await all(['id: 3\ndata: a\n\n', 'data: b\n\n', 'event: progress\ndata: {"cut']);
    expect(events).toEqual([
      { id: '3', event: 'message', data: 'a' },
      { id: '3', event: 'message', data: 'b' },
    ]);
  });
});
