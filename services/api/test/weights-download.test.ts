import { createHash } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArtifactCorruptError, openVerifiedWeights } from '@ocellus/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from './helpers/app.js';
import { publishTest } from './helpers/registry.js';

/** A GET over a real loopback socket: status, headers, the bytes that arrived and whether the body ended cleanly. */
function download(
  port: number,
  path: string,
): Promise<{ status: number; length: number; body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path }, (res) => {
      const chunks: Buffer[] = [];
      const done = (complete: boolean) =>
        resolve({
          status: res.statusCode ?? 0,
          length: Number(res.headers['content-length']),
          body: Buffer.concat(chunks),
          complete,
        });
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(res.complete));
      res.on('error', () => done(false));
      res.on('aborted', () => done(false));
    });
    request.on('error', reject);
    request.setTimeout(10_000, () => request.destroy(new Error('download timed out')));
  });
}

/** Flips one byte of a file in place, keeping its length. */
async function flipByte(path: string, at: number): Promise<void> {
  const bytes = await readFile(path);
  const index = at < 0 ? bytes.length + at : at;
  bytes[index] = (bytes[index] ?? 0) ^ 0xff;
  await writeFile(path, bytes);
}

describe('GET /v1/models/{name}/versions/{v}/weights', () => {
  let t: TestApp;
  let port: number;
  const url = (name: string) => `/v1/models/${name}/versions/1/weights`;

  beforeAll(async () => {
    t = await testApp({
      seed: async (registry) => {
        for (const name of ['intact', 'changed', 'truncated'])
          await publishTest(registry, name, { alias: null });
        // More than one 64 KiB read chunk, so headers and data have gone out before the hash is known.
        const wide = [0, 1, 2].map((k) => new Float32Array(8192).fill(k));
        for (const name of ['big-changed-head', 'big-changed-tail', 'big-truncated-late']) {
          await publishTest(registry, name, { centroids: wide, alias: null });
        }
      },
    });
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 }).then(() => t.app.server.address());
    port = (address as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('sends the file with its length and its sha256 as a strong ETag', async () => {
    const manifest = await t.registry.manifest('intact', 1);
    const res = await t.app.inject({ method: 'GET', url: url('intact') });
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(manifest.weights.bytes);
    expect(res.headers.etag).toBe(`"${manifest.weights.sha256}"`);
    expect(createHash('sha256').update(res.rawPayload).digest('hex')).toBe(manifest.weights.sha256);
  });

  it('answers If-None-Match naming the current ETag with 304 and no body', async () => {
    const { sha256 } = (await t.registry.manifest('intact', 1)).weights;
    for (const header of [`"${sha256}"`, `"other", W/"${sha256}"`, '*']) {
      const res = await t.app.inject({
        method: 'GET',
        url: url('intact'),
        headers: { 'if-none-match': header },
      });
      expect([header, res.statusCode, res.headers.etag, res.rawPayload.length]).toEqual([
        header,
        304,
        `"${sha256}"`,
        0,
      ]);
    }
    const stale = await t.app.inject({
      method: 'GET',
      url: url('intact'),
      headers: { 'if-none-match': '"0ff1ce"' },
    });
    expect(stale.statusCode).toBe(200);
  });

  it('refuses a file whose bytes changed but not its length with 500 ARTIFACT_CORRUPT', async () => {
    await flipByte(t.registry.weightsPath('changed', 1), -1);
    const res = await t.app.inject({ method: 'GET', url: url('changed') });
    expect(res.statusCode).toBe(500);
    expect(res.json().code).toBe('ARTIFACT_CORRUPT');
    expect(res.json().error).toContain('sha256');
    expect(res.headers.etag).toBeUndefined();
    expect(res.headers['content-disposition']).toBeUndefined();
  });

  it('refuses a truncated file with 500 ARTIFACT_CORRUPT before sending anything', async () => {
    const path = t.registry.weightsPath('truncated', 1);
    const { bytes } = (await t.registry.manifest('truncated', 1)).weights;
    await truncate(path, bytes - 10);
    const res = await download(port, url('truncated'));
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body.toString()).code).toBe('ARTIFACT_CORRUPT');
    expect(JSON.parse(res.body.toString()).error).toContain(`${bytes - 10} bytes on disk`);
  });

  it('cuts the connection when a large file hashes wrong after its headers went out', async () => {
    for (const [name, at] of [
      ['big-changed-head', 0],
      ['big-changed-tail', -1],
    ] as const) {
      const { bytes } = (await t.registry.manifest(name, 1)).weights;
      expect(bytes).toBeGreaterThan(65_536);
      await flipByte(t.registry.weightsPath(name, 1), at);
      const res = await download(port, url(name));
      expect([name, res.status, res.length, res.complete]).toEqual([name, 200, bytes, false]);
      expect(res.body.length).toBeLessThan(bytes);
    }
  });

  it('fails the stream when the file shrinks after its size was checked', async () => {
    const name = 'big-truncated-late';
    const path = t.registry.weightsPath(name, 1);
    const stream = await openVerifiedWeights(path, (await t.registry.manifest(name, 1)).weights);
    await truncate(path, 70_000);
    const chunks: Buffer[] = [];
    const failure = await new Promise<unknown>((resolve) => {
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(undefined));
      stream.on('error', resolve);
    });
    expect(failure).toBeInstanceOf(ArtifactCorruptError);
    expect(String(failure)).toContain('70000 bytes read');
    // The last chunk read is held back until the hash is known, so less than what was read went out.
    expect(Buffer.concat(chunks).length).toBeLessThan(70_000);
  });
});
