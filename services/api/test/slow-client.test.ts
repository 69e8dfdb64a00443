import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';

const TIMEOUT_MS = 1000;

/**
 * Opens a loopback socket, writes `head` and then one byte of `trickle` every 200 ms (at most 15 s of it);
 * resolves with how long the server kept the socket open and what it answered.
 */
function trickle(port: number, head: string, drip: string): Promise<{ heldMs: number; reply: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket: Socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (sent >= 75 || socket.destroyed) {
        clearInterval(timer);
        socket.destroy();
        return;
      }
      socket.write(drip[sent % drip.length] ?? ' ');
      sent += 1;
    }, 200);
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ heldMs: Date.now() - started, reply });
    });
  });
}

describe('a client that trickles its request', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await testApp({ config: { requestTimeoutMs: TIMEOUT_MS } });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('loses its socket soon after the request timeout while sending the body a byte at a time', async () => {
    const body = JSON.stringify({ task: 'classify', model: 'slow', architecture: { type: 'knn' } });
    const head =
      'POST /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${body.length + 1000}\r\n\r\n`;
    const { heldMs, reply } = await trickle(port, head, body);
    expect(heldMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(heldMs).toBeLessThan(TIMEOUT_MS + 1500);
    // 503 TIMEOUT when the route's handler timeout answers first, 408 when Node's request timeout does.
    expect(reply).toMatch(/^HTTP\/1\.1 (408|503) /);
  });

  it('loses its socket soon after the request timeout while sending the headers a byte at a time', async () => {
    const { heldMs } = await trickle(
      port,
      'GET /v1/models HTTP/1.1\r\n',
      'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaa\r\n',
    );
    expect(heldMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(heldMs).toBeLessThan(TIMEOUT_MS + 1500);
  });
});
