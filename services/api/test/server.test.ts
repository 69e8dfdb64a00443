import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { whitePng } from './helpers/images.js';
import { images } from './helpers/multipart.js';
import { publishTest, tempRegistry } from './helpers/registry.js';

const SERVER = fileURLToPath(new URL('../dist/server.js', import.meta.url));

/** Runs the real entry point as `npm start` does and collects its output. */
function start(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [SERVER], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk) => (text += chunk));
  child.stderr?.on('data', (chunk) => (text += chunk));
  return { child, output: () => text };
}

async function listeningUrl(output: () => string, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output());
    if (match) return match[1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not start:\n${output()}`);
}

describe('the server entry point', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('refuses a public address without admin keys, naming the setting', async () => {
    const { child, output } = start({ HOST: '0.0.0.0', PORT: '0' });
    children.push(child);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toContain('OCELLUS_ADMIN_KEYS');
  });

  it('refuses bad settings with one line per variable', async () => {
    const { child, output } = start({ PORT: 'eighty', OCELLUS_MAX_FILE_BYTES: '-5' });
    children.push(child);
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(output()).toMatch(/PORT: .*\n.*OCELLUS_MAX_FILE_BYTES: /);
  });

  it('starts on loopback without keys, says so, serves, and exits cleanly on SIGTERM', async () => {
    const { root, cleanup } = await tempRegistry();
    try {
      const { child, output } = start({ PORT: '0', OCELLUS_REGISTRY_ROOT: root });
      children.push(child);
      const url = await listeningUrl(output);
      expect(output()).toContain('loopback only');
      const live = await fetch(`${url}/v2/health/live`);
      expect(await live.json()).toEqual({ live: true });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(output()).toContain('shutting down');
    } finally {
      await cleanup();
    }
  });
});

describe('graceful shutdown and timeouts', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('finishes an in-flight request when the app closes, and takes no new connection', async () => {
    t = await testApp({
      seed: (registry) =>
        publishTest(registry, 'digits-cnn', { type: 'test-slow', architecture: { delayMs: 600 } }),
    });
    const url = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { body, headers } = images(await whitePng());
    const inFlight = fetch(`${url}/v1/classify`, { method: 'POST', headers, body });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = t.app.close();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { results: unknown[] }).results).toHaveLength(1);
    await closing;
    await expect(fetch(`${url}/v2/health/live`)).rejects.toThrow();
  });

  it('answers 503 TIMEOUT past the request timeout and keeps serving', async () => {
    t = await testApp({
      config: { requestTimeoutMs: 300 },
      seed: async (registry) => {
        await publishTest(registry, 'digits-cnn');
        await publishTest(registry, 'slow', { type: 'test-slow', architecture: { delayMs: 1000 } });
      },
    });
    const upload = images(await whitePng());
    const slow = await t.app.inject({ method: 'POST', url: '/v1/classify?model=slow&version=1', ...upload });
    expect([slow.statusCode, slow.json().code]).toEqual([503, 'TIMEOUT']);
    const fast = await t.app.inject({ method: 'POST', url: '/v1/classify', ...upload });
    expect(fast.statusCode).toBe(200);
  });
});
