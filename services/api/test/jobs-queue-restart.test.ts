import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { openJobService } from '@ocellus/api';
import type { JobSpecInput } from '@ocellus/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';

const spec: JobSpecInput = {
  task: 'classify',
  model: 'digits-test',
  architecture: { type: 'linear', loss: 'softmax' },
  dataset: { name: 'mnist', train: 300, validation: 100, test: 200 },
};

const INFO = /\*1\r\n\$4\r\ninfo\r\n/gi;

/**
 * A TCP proxy to the session's Redis that drops the queue connection's first socket at its second INFO: ioredis
 * has sent the first (its ready check) and reported "ready", BullMQ sends the second (its version check) and sees
 * it fail. Every later socket is passed through untouched.
 */
async function proxyDroppingVersionCheck() {
  let dropped = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const redis = connect(6379, '127.0.0.1');
    for (const socket of [client, redis]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    let sent = '';
    let watching = dropped === 0;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.toString('latin1');
      if (watching && sent.includes('ocellus-api-jobs-queue') && (sent.match(INFO)?.length ?? 0) >= 2) {
        watching = false;
        dropped++;
        client.resetAndDestroy();
        redis.destroy();
        return;
      }
      if (watching && !sent.includes('ocellus-api-jobs-queue') && sent.length > 64) watching = false;
      redis.write(chunk);
    });
    redis.pipe(client);
    client.on('close', () => redis.destroy());
    redis.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    dropped: () => dropped,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

let t: TestApp | undefined;
let proxy: Awaited<ReturnType<typeof proxyDroppingVersionCheck>> | undefined;

afterEach(async () => {
  await t?.close();
  await proxy?.close();
  t = undefined;
  proxy = undefined;
});

describe('the training queue when its start fails after the connection is ready', () => {
  it('is built again after a backoff, and takes jobs once the connection is back', async () => {
    proxy = await proxyDroppingVersionCheck();
    t = await testApp({
      env: {
        REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
        OCELLUS_QUEUE_PREFIX: `ocellus-restart-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      },
      trainingJobs: openJobService,
    });
    const started = performance.now();
    const codes = new Set<string>();
    let reply = await t.app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    while (reply.statusCode !== 202 && performance.now() - started < 5000) {
      codes.add(reply.json().code);
      await new Promise((resolve) => setTimeout(resolve, 50));
      reply = await t.app.inject({ method: 'POST', url: '/v1/jobs', payload: spec });
    }
    expect(proxy.dropped()).toBe(1);
    expect([...codes]).toEqual(['QUEUE_UNAVAILABLE']);
    expect(reply.statusCode).toBe(202);
    const record = await t.app.inject({ method: 'GET', url: `/v1/jobs/${reply.json().id}` });
    expect([record.statusCode, record.json().status]).toEqual([200, 'QUEUED']);
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/jobs/${reply.json().id}/cancel` })).statusCode,
    ).toBe(202);
  });
});
