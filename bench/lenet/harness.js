// Timing shared by the in-process implementations: warm up, then time single calls until the budget is spent.

const now = () => Number(process.hrtime.bigint()) / 1e9;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median seconds of one `run()` after a warm-up, over at least 3 calls or `budget` seconds. */
export async function timeCalls(run, budget) {
  const warmStart = now();
  for (let i = 0; i < 1 || (i < 200 && now() - warmStart < budget / 3); i++) await run();
  const samples = [];
  const start = now();
  while (samples.length < 3 || (samples.length < 5000 && now() - start < budget)) {
    const t0 = now();
    await run();
    samples.push(now() - t0);
  }
  return median(samples);
}
