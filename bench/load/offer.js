// `node offer.js '<json>'`: the open-loop load of overload.js in its own process, at a lower CPU
// priority (nice 10) so that on a machine it shares with the server it never outbids the server or the
// health probe. Reads {url, path, body (base64), contentType, rate, seconds, connections} and prints one
// JSON line: per-response latencies (ms) of accepted and 503 answers, other statuses, OVERLOADED bodies
// (the latencies include this process's own scheduling delays; probe.js measures what a client sees).
import os from 'node:os';
import autocannon from 'autocannon';

/**
 * Autocannon paces a rate per connection in one-second windows that all open together, so one instance
 * offers its whole second's requests in a burst; this many instances started 1/STREAMS s apart spread
 * the same rate into bursts of 1/STREAMS of it, closer to many independent clients.
 */
const STREAMS = 50;

/** Splits `total` into `parts` whole shares that differ by at most one. */
const shares = (total, parts) =>
  Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));

const { url, path, body, contentType, rate, seconds, connections } = JSON.parse(process.argv[2]);
if (
  !url.startsWith('http://127.0.0.1:') ||
  !(seconds > 0 && seconds <= 120) ||
  !(rate >= 1 && rate <= 100_000)
) {
  process.stderr.write('offer.js: loopback URL, 0 < seconds ≤ 120 and 1 ≤ rate ≤ 100000 only\n');
  process.exit(2);
}
try {
  os.setPriority(10);
} catch {
  // Unchanged priority only makes the figures more pessimistic.
}

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
        body: Buffer.from(body, 'base64'),
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

const streams = Math.min(STREAMS, rate);
const rates = shares(rate, streams);
const connectionShares = shares(Math.max(streams, connections), streams);
const started = performance.now();
const runs = [];
for (let i = 0; i < streams; i++) {
  if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000 / streams));
  runs.push(stream(rates[i], Math.min(connectionShares[i], rates[i])));
}
const results = await Promise.all(runs);
const total = (key) => results.reduce((sum, r) => sum + r[key], 0);
process.stdout.write(
  `${JSON.stringify({
    accepted,
    rejected,
    others,
    overloaded,
    errors: total('errors'),
    timeouts: total('timeouts'),
    elapsedSeconds: (performance.now() - started) / 1000,
  })}\n`,
);
