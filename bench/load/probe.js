// `node probe.js '<json>'`: what a client sees during a load test, from its own process at normal
// priority (the load generator runs niced): GET /v2/health/live over a new connection every intervalMs
// (as a kubelet probe does), and, when `sample` is given, `sample.clients` clients each POSTing the same
// inference request every sample.intervalMs. Reads {url, durationMs, intervalMs, sample?: {path, body
// (base64), contentType, clients, intervalMs}}; prints one JSON line of sorted latencies in ms: health,
// accepted (2xx) and rejected (503) samples, with failed health probes and other statuses counted.
import http from 'node:http';

const { url, durationMs, intervalMs, sample } = JSON.parse(process.argv[2]);
const TIMEOUT_MS = 2000;
if (
  !url?.startsWith('http://127.0.0.1:') ||
  !(durationMs > 0 && durationMs <= 600_000) ||
  !(intervalMs >= 5)
) {
  process.stderr.write('probe.js: a loopback URL, 0 < durationMs ≤ 600000 and intervalMs ≥ 5 only\n');
  process.exit(2);
}
const sampleBody = sample === undefined ? undefined : Buffer.from(sample.body, 'base64');
const keepAlive = new http.Agent({ keepAlive: true });

/** One request; resolves with its status (0 when it failed or timed out) and the time it took. */
function timed(options, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(`${url}${options.path}`, { ...options, timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    request.end(body);
  });
}

const deadline = performance.now() + durationMs;

/** Calls `once` every `gapMs` (from the start of one call to the next) until the deadline. */
async function every(gapMs, once) {
  const most = Math.ceil(durationMs / gapMs);
  for (let n = 0; n < most && performance.now() < deadline; n++) {
    const next = performance.now() + gapMs;
    await once();
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const health = [];
let healthFailures = 0;
const accepted = [];
const rejected = [];
const others = {};
const loops = [
  every(intervalMs, async () => {
    const { status, ms } = await timed({ path: '/v2/health/live', agent: false });
    // A failed probe counts at the time it took, so a hung server shows in the quantiles too.
    health.push(ms);
    if (status !== 200) healthFailures++;
  }),
];
for (let i = 0; i < (sample?.clients ?? 0); i++) {
  loops.push(
    every(sample.intervalMs, async () => {
      const { status, ms } = await timed(
        {
          path: sample.path,
          method: 'POST',
          agent: keepAlive,
          headers: { 'content-type': sample.contentType },
        },
        sampleBody,
      );
      if (status >= 200 && status < 300) accepted.push(ms);
      else if (status === 503) rejected.push(ms);
      else others[status] = (others[status] ?? 0) + 1;
    }),
  );
}
await Promise.all(loops);
keepAlive.destroy();
for (const list of [health, accepted, rejected]) list.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ health, healthFailures, accepted, rejected, others })}\n`);
