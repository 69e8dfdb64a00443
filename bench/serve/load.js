import autocannon from 'autocannon';

/** Sum and count of a Prometheus histogram's samples with the given label text, from `/metrics`. */
async function histogramTotals(url, metric, labels) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (suffix) => {
    const line = text.split('\n').find((l) => l.startsWith(`${metric}_${suffix}{${labels}}`));
    return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  return { sum: value('sum'), count: value('count') };
}

/**
 * Drives `POST /v1/classify` with one image body at a fixed number of connections for `seconds`, and reads
 * the mean batch size the server formed over the run from its batch-size histogram.
 */
export async function driveClassify({ url, model, version, body, contentType, connections, seconds }) {
  const labels = `model="${model}",version="${version}"`;
  const before = await histogramTotals(url, 'ocellus_inference_batch_size', labels);
  const result = await autocannon({
    url: `${url}/v1/classify?model=${model}&topk=1`,
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
    connections,
    duration: seconds,
  });
  const after = await histogramTotals(url, 'ocellus_inference_batch_size', labels);
  const batches = after.count - before.count;
  return {
    requestsPerSecond: result['2xx'] / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    meanBatch: batches > 0 ? (after.sum - before.sum) / batches : 0,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}
