import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@ocellus/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';

const PAGE = '<!doctype html><title>console</title><script type="module" src="/assets/app-1a2b.js"></script>';

describe('GET / (the console)', () => {
  let running: TestApp | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await running?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function built(): Promise<string> {
    dir = await mkdtemp(join(tmpdir(), 'ocellus-console-dist-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), PAGE);
    await writeFile(join(dir, 'assets', 'app-1a2b.js'), 'export {};\n');
    return dir;
  }

  it('serves the page with a CSP that allows no inline script, and the security headers', async () => {
    running = await testApp({ config: { consoleDir: await built() } });
    const reply = await running.app.inject({ method: 'GET', url: '/' });
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.body).toBe(PAGE);
    const csp = String(reply.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(reply.headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      'cache-control': 'no-cache',
    });
  });

  it('serves the hashed assets cached for good, and answers an unknown path with the API 404', async () => {
    running = await testApp({ config: { consoleDir: await built() } });
    const asset = await running.app.inject({ method: 'GET', url: '/assets/app-1a2b.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toBeDefined();
    const missing = await running.app.inject({ method: 'GET', url: '/assets/missing.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('starts without a built console: / says how to build one and the JSON API answers as usual', async () => {
    running = await testApp({ config: { consoleDir: join(tmpdir(), 'ocellus-no-console-here') } });
    const reply = await running.app.inject({ method: 'GET', url: '/' });
    expect(reply.statusCode).toBe(503);
    expect(reply.headers['content-type']).toMatch(/^text\/plain/);
    expect(reply.body).toContain('npm run build');
    expect(reply.body).toContain('OCELLUS_CONSOLE_DIR');
    expect((await running.app.inject({ method: 'GET', url: '/v1/models' })).statusCode).toBe(200);
    expect(
      (await running.app.inject({ method: 'GET', url: '/openapi.json' })).json().paths,
    ).not.toHaveProperty('/');
  });
});

describe('OCELLUS_CONSOLE_DIR', () => {
  it("defaults to @ocellus/console's build output and can point elsewhere", () => {
    expect(loadConfig({}).consoleDir).toMatch(/packages[/\\]console[/\\]dist$/);
    expect(loadConfig({ OCELLUS_CONSOLE_DIR: '/srv/console' }).consoleDir).toBe('/srv/console');
  });
});
