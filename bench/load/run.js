// `npm run bench:load [-- --json] [-- --quick] [-- --seconds N] [-- --models a,b]`: overload of POST
// /v1/classify on the real server (`node services/api/dist/server.js`) with its default settings and the
// shipped models/ registry. Per classifier: saturation (the most accepted requests/s at 8 or 32 closed-loop
// connections), then 1x, 2x and 3x that rate offered for a fixed time with autocannon (in a niced child
// process), while another process probes /v2/health/live and samples the same request as a client would.
// Prints accepted/s, % OVERLOADED, p50/p99 of accepted and rejected samples, health p99 and the server's
// RSS at the start and end of each step; --json, one line each.
import { DEFAULT_REGISTRY_ROOT } from '@ocellus/api';
import { openRegistry } from '@ocellus/registry';
import { gatherBatch } from '@ocellus/vision/datasets';
import { loadMnist, mnistSubset } from '@ocellus/vision/mnist';
import sharp from 'sharp';
import { overload, saturation, startServer } from './overload.js';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const json = argv.includes('--json');
const quick = argv.includes('--quick');
const seconds = Math.min(60, Number(option('--seconds') ?? (quick ? 2 : 5)));
const MULTIPLES = [1, 2, 3];
const SATURATION_CONNECTIONS = quick ? [32] : [8, 32];
const log = (line) => process.stderr.write(`${line}\n`);

/** One 28x28 test-split digit as a PNG, the body every request sends. */
async function digitPng() {
  const batch = gatherBatch(loadMnist(), mnistSubset({ test: 1, seed: 3 }).test);
  const grey = Buffer.from(Array.from(batch.inputs.values(), (v) => Math.round(v * 255)));
  return sharp(grey, { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toBuffer();
}

/** The shipped classifiers with a production version, or those `--models` names. */
async function classifiers() {
  const registry = openRegistry(DEFAULT_REGISTRY_ROOT);
  const wanted = option('--models')?.split(',');
  const names = [];
  for (const summary of await registry.listModels()) {
    if (summary.task === 'classify' && summary.aliases.production !== undefined) names.push(summary.name);
  }
  return wanted === undefined ? names.sort() : names.filter((name) => wanted.includes(name));
}

const models = await classifiers();
const body = await digitPng();
const server = await startServer({ LOG_LEVEL: 'warn' });
const rows = [];
try {
  log(`${models.join(', ')}: ${seconds} s per step, default settings, Node ${process.version}`);
  for (const model of models) {
    const request = {
      url: server.url,
      path: `/v1/classify?model=${model}&topk=1`,
      body,
      contentType: 'image/png',
    };
    await saturation({ ...request, connections: 8, seconds: 1 });
    let saturated = 0;
    for (const connections of SATURATION_CONNECTIONS) {
      saturated = Math.max(saturated, await saturation({ ...request, connections, seconds }));
    }
    log(`  ${model}: saturation ${saturated.toFixed(0)} req/s`);
    for (const multiple of MULTIPLES) {
      const figures = await overload({ ...request, rate: Math.round(multiple * saturated), seconds });
      const row = { model, saturationPerSecond: saturated, multiple, ...figures };
      rows.push(row);
      if (json) process.stdout.write(`${JSON.stringify({ bench: 'load', ...row })}\n`);
      else log(`    ${multiple}x: ${figures.acceptedPerSecond.toFixed(0)} accepted/s`);
    }
  }
} finally {
  await server.stop();
}

if (!json) {
  const pad = (value, width) => String(value).padStart(width);
  const ms = (value) => (Number.isNaN(value) ? '—' : value.toFixed(value < 10 ? 1 : 0));
  const mib = (bytes) => (bytes / 2 ** 20).toFixed(0);
  console.log(`\nPOST /v1/classify, one 28x28 PNG, default settings, ${seconds} s per step`);
  console.log(
    '| model | saturation req/s | load | accepted/s | OVERLOADED | accepted p50 / p99 ms | rejected p50 / p99 ms | health p99 ms | RSS start → end MiB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.model} | ${pad(r.saturationPerSecond.toFixed(0), 4)} | ${r.multiple}x | ${pad(r.acceptedPerSecond.toFixed(0), 4)} | ${pad(r.overloadedPercent.toFixed(1), 4)}% | ${ms(r.acceptedP50Ms)} / ${ms(r.acceptedP99Ms)} | ${ms(r.rejectedP50Ms)} / ${ms(r.rejectedP99Ms)} | ${ms(r.healthP99Ms)} | ${mib(r.rssStartBytes)} → ${mib(r.rssEndBytes)} |`,
    );
  }
  const odd = rows.filter(
    (r) => r.errors + r.timeouts + r.healthFailures > 0 || Object.keys(r.others).length,
  );
  for (const r of odd) {
    console.log(
      `${r.model} ${r.multiple}x: ${r.errors} socket errors, ${r.timeouts} timeouts, ${r.healthFailures} failed health probes, other statuses ${JSON.stringify(r.others)}`,
    );
  }
}
