// `npm run bench:serve [-- --json] [-- --quick] [-- --seconds N]`: POST /v1/classify driven by autocannon
// against the real server (`node services/api/dist/server.js`) serving digits-cnn from a temp registry, at
// 1, 8, 32 and 64 connections, with dynamic batching on (OCELLUS_MAX_BATCH_SIZE=32) and off (=1). Both
// servers run side by side and the runs alternate, so load from other jobs hits both alike. Prints
// successful requests/s, p50/p99 latency and the mean batch the server formed; --json, one line each.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import sharp from 'sharp';
import { driveClassify } from './load.js';
import { MODEL, prepareRegistry } from './model.js';
import { startServer } from './server.js';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const secondsArg = argv.indexOf('--seconds');
const seconds = secondsArg >= 0 ? Number(argv[secondsArg + 1]) : quick ? 2 : 5;
const CONCURRENCY = [1, 8, 32, 64];
const MODES = [
  { name: 'batching on', maxBatch: 32 },
  { name: 'batching off', maxBatch: 1 },
];
const log = (line) => process.stderr.write(`${line}\n`);

/** One 28x28 test-split digit as a PNG, the body every request sends. */
async function digitPng() {
  const batch = gatherBatch(loadMnist(), mnistSubset({ test: 1, seed: 3 }).test);
  const grey = Buffer.from(Array.from(batch.inputs.values(), (v) => Math.round(v * 255)));
  const png = await sharp(grey, { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toBuffer();
  return { png, label: batch.targets[0] };
}

const { root, manifest } = await prepareRegistry(log);
const { png, label } = await digitPng();
const servers = [];
try {
  for (const mode of MODES) {
    const env = {
      OCELLUS_REGISTRY_ROOT: root,
      OCELLUS_MAX_BATCH_SIZE: String(mode.maxBatch),
      LOG_LEVEL: 'warn',
    };
    servers.push({ mode, server: await startServer(env) });
  }
  for (const { mode, server } of servers) {
    const res = await fetch(`${server.url}/v1/classify?model=${MODEL}&topk=1`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    const top = (await res.json()).results?.[0]?.predictions?.[0];
    if (res.status !== 200 || top?.index !== label)
      throw new Error(`${mode.name}: a ${label} came back as ${JSON.stringify(top)}`);
  }
  log(
    `${MODEL} v${manifest.version} (${manifest.architecture.type}), ${seconds} s per run, Node ${process.version}`,
  );
  const rows = [];
  for (const connections of CONCURRENCY) {
    for (const { mode, server } of servers) {
      const run = {
        url: server.url,
        model: MODEL,
        version: manifest.version,
        body: png,
        contentType: 'image/png',
        connections,
      };
      await driveClassify({ ...run, seconds: 1 });
      const figures = await driveClassify({ ...run, seconds });
      const row = { connections, batching: mode.name, maxBatch: mode.maxBatch, ...figures };
      rows.push(row);
      if (json)
        process.stdout.write(
          `${JSON.stringify({ bench: 'serve', model: MODEL, version: manifest.version, ...row })}\n`,
        );
      else log(`  ${connections} connections, ${mode.name}: ${figures.requestsPerSecond.toFixed(0)} req/s`);
    }
  }
  if (!json) {
    const pad = (value, width) => String(value).padStart(width);
    console.log(
      `\nPOST /v1/classify, ${MODEL} v${manifest.version} (${manifest.architecture.type}), 28x28 PNG, ${seconds} s per run`,
    );
    console.log('connections | batching      |   req/s | p50 ms | p99 ms | mean batch | failed');
    console.log('----------- | ------------- | ------- | ------ | ------ | ---------- | ------');
    for (const r of rows) {
      console.log(
        `${pad(r.connections, 11)} | ${r.batching.padEnd(13)} | ${pad(r.requestsPerSecond.toFixed(0), 7)} | ${pad(r.p50Ms, 6)} | ${pad(r.p99Ms, 6)} | ${pad(r.meanBatch.toFixed(1), 10)} | ${pad(r.failed, 6)}`,
      );
    }
    console.log('\nbatching on / off, requests/s:');
    for (const connections of CONCURRENCY) {
      const [on, off] = MODES.map((m) =>
        rows.find((r) => r.connections === connections && r.maxBatch === m.maxBatch),
      );
      console.log(
        `  ${pad(connections, 2)} connections: ${(on.requestsPerSecond / off.requestsPerSecond).toFixed(2)}x`,
      );
    }
  }
} finally {
  for (const { server } of servers) await server.stop();
  await rm(dirname(root), { recursive: true, force: true });
}
