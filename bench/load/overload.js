import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/** The server as `npm start` runs it, ready once its production models are loaded (any log level). */
export { startServer } from '../serve/server.js';

const PROBE = fileURLToPath(new URL('./health-probe.js', import.meta.url));

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

/** Starts the health probe in its own process; `done` resolves with its sorted latencies and failures. */
export function probeHealth(url, durationMs, intervalMs) {
  const child = spawn(process.execPath, [PROBE, url, String(durationMs), String(intervalMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const done = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out));
      else reject(new Error(`the health probe exited with ${code}`));
    });
  });
  return { done };
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

/**
 * Autocannon paces a rate per connection in one-second windows that all open together, so one instance
 * offers its whole second's requests in a burst; this many instances started 1/STREAMS s apart spread
 * the same rate into bursts of 1/STREAMS of it, closer to many independent clients.
 */
const STREAMS = 50;

/** Splits `total` into `parts` whole shares that differ by at most one. */
const shares = (total, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

/**
 * Offers `rate` requests/s for `seconds` over enough connections that a client waiting on an accepted
 * request never holds the offered rate down (at most 2 requests/s each), while a separate process probes
 * `/v2/health/live`. Latencies are per response as measured, accepted (2xx) and rejected (503 OVERLOADED)
 * apart; RSS is the server's own at the start and the end.
 */
export async function overload({ url, path, body, contentType, rate, seconds, probeIntervalMs = 20 }) {
  const streams = Math.min(STREAMS, rate);
  const connections = Math.min(1000, Math.max(streams, Math.ceil(rate / 2)));
  const shedBefore = await metricValue(url, 'ocellus_requests_shed_total');
  const rssStartBytes = await residentBytes(url);
  const started = performance.now();
  const probe = probeHealth(url, seconds * 1000 + 1000, probeIntervalMs);
  const accepted = [];
  const rejected = [];
  const others = {};
  let overloaded = 0;
  const stream = (streamRate, streamConnections) => {
    const run = autocannon({
      url: `${url}${path}`,
      connections: streamConnections,
      overallRate: streamRate,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
          onResponse(status, responseBody) {
            if (status === 503 && responseBody.includes('"OVERLOADED"')) overloaded++;
          },
        },
      ],
    });
    run.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) accepted.push(ms);
      else if (status === 503) rejected.push(ms);
      else others[status] = (others[status] ?? 0) + 1;
    });
    return run;
  };
  const rates = shares(rate, streams);
  const connectionShares = shares(connections, streams);
  const runs = [];
  for (let i = 0; i < streams; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000 / streams));
    runs.push(stream(rates[i], Math.min(connectionShares[i], rates[i])));
  }
  const results = await Promise.all(runs);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const health = await probe.done;
  const rssEndBytes = await residentBytes(url);
  const shed = (await metricValue(url, 'ocellus_requests_shed_total')) - shedBefore;
  accepted.sort((a, b) => a - b);
  rejected.sort((a, b) => a - b);
  const answered = accepted.length + rejected.length + Object.values(others).reduce((a, b) => a + b, 0);
  const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
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
    others,
    errors: total('errors'),
    timeouts: total('timeouts'),
    acceptedP50Ms: quantile(accepted, 0.5),
    acceptedP99Ms: quantile(accepted, 0.99),
    rejectedP50Ms: quantile(rejected, 0.5),
    rejectedP99Ms: quantile(rejected, 0.99),
    healthProbes: health.latencies.length,
    healthFailures: health.failures,
    healthP50Ms: quantile(health.latencies, 0.5),
    healthP99Ms: quantile(health.latencies, 0.99),
    rssStartBytes,
    rssEndBytes,
  };
}
