// `node health-probe.js <url> <durationMs> <intervalMs>`: GETs <url>/v2/health/live over a new connection
// (as a kubelet probe does) every interval for the duration, in this process so the load generator's own
// event loop never delays it; prints one JSON line of latencies in ms, sorted, and failures.
import http from 'node:http';

const [url, durationArg, intervalArg] = process.argv.slice(2);
const durationMs = Number(durationArg);
const intervalMs = Number(intervalArg);
const TIMEOUT_MS = 2000;
if (
  !url?.startsWith('http://127.0.0.1:') ||
  !(durationMs > 0 && durationMs <= 600_000) ||
  !(intervalMs >= 5)
) {
  process.stderr.write(
    'usage: node health-probe.js http://127.0.0.1:<port> <durationMs ≤ 600000> <intervalMs ≥ 5>\n',
  );
  process.exit(2);
}

function probe() {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.get(`${url}/v2/health/live`, { agent: false, timeout: TIMEOUT_MS }, (response) => {
      response.resume();
      response.on('end', () => resolve({ ok: response.statusCode === 200, ms: performance.now() - started }));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ ok: false, ms: performance.now() - started }));
  });
}

const latencies = [];
let failures = 0;
const deadline = performance.now() + durationMs;
const most = Math.ceil(durationMs / intervalMs);
while (performance.now() < deadline && latencies.length < most) {
  const next = performance.now() + intervalMs;
  const { ok, ms } = await probe();
  // A failed probe counts at the time it took, so a hung server shows in the quantiles too.
  latencies.push(ms);
  if (!ok) failures++;
  const wait = next - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
latencies.sort((a, b) => a - b);
process.stdout.write(`${JSON.stringify({ latencies, failures })}\n`);
