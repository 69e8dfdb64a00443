import { once } from 'node:events';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { openJobService } from '@ocellus/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testApp } from './helpers/app.js';

const ROUNDS = 5;

/** Polls `done` every 5 ms; fails after `ms`. */
async function until(done: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Something on the Redis port that resets each connection (a TCP RST: ioredis reports ECONNRESET) once the client
 * has named itself; after `hold()` it reads what the connections it takes send and never answers, so each client
 * stays mid-handshake.
 */
async function resettingServer() {
  let holding = false;
  const resets = new Map<string, number>();
  const held = new Set<Socket>();
  const server = createServer((socket) => {
    if (holding) {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
      // Reading lets the client's FIN through, so the socket closes when the client ends it.
      socket.resume();
      return;
    }
    socket.once('data', (chunk: Buffer) => {
      const name = /ocellus-api-jobs-\w+/.exec(chunk.toString())?.[0] ?? 'unnamed';
      resets.set(name, (resets.get(name) ?? 0) + 1);
      socket.resetAndDestroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    resets: (name: string) => resets.get(name) ?? 0,
    held: () => held.size,
    hold() {
      holding = true;
    },
    async close() {
      for (const socket of held) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

let server: Awaited<ReturnType<typeof resettingServer>> | undefined;
const escaped: string[] = [];
const rejection = (error: unknown) => escaped.push(`unhandledRejection: ${error}`);
const exception = (error: unknown) => escaped.push(`uncaughtException: ${error}`);

beforeEach(() => {
  escaped.length = 0;
  process.on('unhandledRejection', rejection);
  process.on('uncaughtException', exception);
});

afterEach(async () => {
  process.off('unhandledRejection', rejection);
  process.off('uncaughtException', exception);
  await server?.close();
  server = undefined;
});

/** Starts the app on the resetting server, lets both job connections be reset, and closes it; returns the close's ms. */
async function startAndClose(midHandshake: boolean): Promise<number> {
  if (server === undefined) throw new Error('no server');
  const t = await testApp({
    env: {
      REDIS_URL: `redis://127.0.0.1:${server.port}`,
      OCELLUS_QUEUE_PREFIX: `ocellus-shutdown-${process.pid}`,
    },
    trainingJobs: openJobService,
  });
  // Reset twice, so each job connection has failed while the queue waits for it to be ready.
  await until(
    () => server!.resets('ocellus-api-jobs-queue') >= 2 && server!.resets('ocellus-api-jobs-records') >= 2,
    'the job connections to be reset',
  );
  if (midHandshake) {
    server.hold();
    await until(() => server!.held() === 2, 'both job connections to reconnect');
  }
  const started = performance.now();
  await t.close();
  const ms = performance.now() - started;
  await until(() => server!.held() === 0, 'the app to drop its connections');
  // Time for a socket's end to reach ioredis and BullMQ, where a failure with nobody listening would escape.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return ms;
}

describe('closing the app while the queue Redis resets every connection', () => {
  it.each([
    ['a job connection is mid-handshake after a reset', true],
    ['the job connections wait to reconnect', false],
  ])('finishes within a second and leaves no unhandled rejection when %s', async (_, midHandshake) => {
    for (let round = 0; round < ROUNDS; round++) {
      server = await resettingServer();
      expect(await startAndClose(midHandshake)).toBeLessThan(1000);
      await server.close();
      server = undefined;
    }
    expect(escaped).toEqual([]);
  });
});
