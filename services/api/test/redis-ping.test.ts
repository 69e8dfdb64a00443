import { once } from 'node:events';
import net from 'node:net';
import { pingRedis } from '@ocellus/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';

/** A stand-in for Redis that records the commands it gets and answers with `reply(commands)`. */
async function fakeRedis(reply: (received: string) => string | undefined) {
  let received = '';
  const server = net.createServer((socket) => {
    socket.on('data', (chunk) => {
      received += chunk.toString();
      const answer = reply(received);
      if (answer !== undefined) socket.write(answer);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return { port, received: () => received, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('Redis readiness', () => {
  const closers: (() => Promise<unknown>)[] = [];
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    for (const close of closers.splice(0)) await close();
  });

  it('pings with AUTH when the URL has credentials', async () => {
    const redis = await fakeRedis((r) => (r.includes('PING') ? '+OK\r\n+PONG\r\n' : undefined));
    closers.push(redis.close);
    expect(await pingRedis(`redis://worker:s%40cret@127.0.0.1:${redis.port}`)).toBe(true);
    expect(redis.received()).toBe('*3\r\n$4\r\nAUTH\r\n$6\r\nworker\r\n$6\r\ns@cret\r\n*1\r\n$4\r\nPING\r\n');
  });

  it('is false on an error reply, a silent server or a closed port', async () => {
    const refusing = await fakeRedis(() => '-NOAUTH Authentication required.\r\n');
    const silent = await fakeRedis(() => undefined);
    closers.push(refusing.close, silent.close);
    expect(await pingRedis(`redis://127.0.0.1:${refusing.port}`)).toBe(false);
    expect(await pingRedis(`redis://127.0.0.1:${silent.port}`, 200)).toBe(false);
    const { port } = silent;
    await silent.close();
    closers.pop();
    expect(await pingRedis(`redis://127.0.0.1:${port}`, 500)).toBe(false);
  });

  it('makes /v2/health/ready depend on the configured Redis', async () => {
    const redis = await fakeRedis((r) => (r.includes('PING') ? '+PONG\r\n' : undefined));
    closers.push(redis.close);
    t = await testApp({ env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` } });
    expect((await t.app.inject({ method: 'GET', url: '/v2/health/ready' })).statusCode).toBe(200);
    await redis.close();
    closers.pop();
    const down = await t.app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect([down.statusCode, down.json()]).toEqual([503, { ready: false }]);
  });
});
