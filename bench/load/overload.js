import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** The server as `npm start` runs it, ready once its production models are loaded (any log level). */
export { startServer } from '../serve/server.js';

const PROBE = fileURLToPath(new URL('./probe.js', import.meta.url));
const OFFER = fileURLToPath(new URL('./offer.js', import.meta.url));

/** The q-quantile (0..1) of ascending `sorted` by the nearest-rank method; NaN when empty. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** Sum of a metric's samples in the server's `/metrics` text, over all label sets. */
export async function metricValue(url, name) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

/** The server's resident set size as it reports it (prom-client's process metrics). */
export const residentBytes = (url) => metricValue(url, 'process_resident_memory_bytes');

/** Runs a script of this folder in its own process; resolves with the one JSON line it prints. */
function runChild(script, args) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`${script} exited with ${code}`));
    });
  });
}

/**
 * Starts probe.js in its own process: health every `intervalMs` and, with `sample`, a few inference
 * clients; `done` resolves with their sorted latencies.
 */
export function probe(url, durationMs, intervalMs, sample) {
  return { done: runChild(PROBE, [JSON.stringify({ url, durationMs, intervalMs, sample })]) };
}

/** Requests back to back from `connections` clients for `seconds`: the accepted requests per second. */
export async function saturation({ url, path, body, contentType, connections, seconds }) {
  const result = await autocannon({
    url: `${url}${path}`,
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    connections,
    duration: seconds,
  });
  return result['2xx'] / result.duration;
}

/** Inference clients of the probe process, each sending every SAMPLE_INTERVAL_MS: under 5% of a test's load. */
const SAMPLE_CLIENTS = 4;
const SAMPLE_INTERVAL_MS = 50;

/**
 * Offers `rate` requests/s for `seconds` (offer.js, in its own process at a lower priority) over enough
 * connections that a client waiting on an accepted request never holds the offered rate down (at most
 * 2 requests/s each). Another process at normal priority probes `/v2/health/live` and samples the same
 * inference request, so latencies are what a client sees, not the niced generator's own delays; counts
 * (accepted/s, % OVERLOADED) are the generator's. RSS is the server's own at the start and the end.
 */
export async function overload({ url, path, body, contentType, rate, seconds, probeIntervalMs = 20 }) {
  const connections = Math.min(1000, Math.ceil(rate / 2));
  const shedBefore = await metricValue(url, 'ocellus_requests_shed_total');
  const rssStartBytes = await residentBytes(url);
  const sample = {
    path,
    body: body.toString('base64'),
    contentType,
    clients: SAMPLE_CLIENTS,
    intervalMs: SAMPLE_INTERVAL_MS,
  };
  const probed = probe(url, seconds * 1000 + 1000, probeIntervalMs, sample);
  const offered = await runChild(OFFER, [
    JSON.stringify({ url, path, body: sample.body, contentType, rate, seconds, connections }),
  ]);
  const seen = await probed.done;
  const rssEndBytes = await residentBytes(url);
  const shed = (await metricValue(url, 'ocellus_requests_shed_total')) - shedBefore;
  const { accepted, rejected, others, overloaded, elapsedSeconds } = offered;
  const answered = accepted.length + rejected.length + Object.values(others).reduce((a, b) => a + b, 0);
  return {
    offeredPerSecond: rate,
    connections,
    seconds: elapsedSeconds,
    acceptedPerSecond: accepted.length / elapsedSeconds,
    answered,
    accepted: accepted.length,
    rejected: rejected.length,
    overloaded,
    overloadedPercent: answered > 0 ? (100 * overloaded) / answered : 0,
    shedByServer: shed,
    others: { ...others, ...seen.others },
    errors: offered.errors,
    timeouts: offered.timeouts,
    acceptedSamples: seen.accepted.length,
    acceptedP50Ms: quantile(seen.accepted, 0.5),
    acceptedP99Ms: quantile(seen.accepted, 0.99),
    rejectedSamples: seen.rejected.length,
    rejectedP50Ms: quantile(seen.rejected, 0.5),
    rejectedP99Ms: quantile(seen.rejected, 0.99),
    healthProbes: seen.health.length,
    healthFailures: seen.healthFailures,
    healthP50Ms: quantile(seen.health, 0.5),
    healthP99Ms: quantile(seen.health, 0.99),
    rssStartBytes,
    rssEndBytes,
  };
}
