// Timing shared by the in-process implementations: warm up, then time single calls until the budget is spent.

const now = () => Number(process.hrtime.bigint()) / 1e9;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Median wall seconds of one `run()` after a warm-up, over at least 3 calls or `budget` seconds, and the
 * mean CPU seconds per call of the process (all its threads) over the same calls. On a machine that other
 * jobs share, a call longer than the scheduler's slice is preempted more often than a short one, so the
 * CPU time is the steadier measure of work.
 */
export async function measureCalls(run, budget) {
  const warmStart = now();
  for (let i = 0; i < 1 || (i < 200 && now() - warmStart < budget / 3); i++) await run();
  const samples = [];
  const cpu0 = process.cpuUsage();
  const start = now();
  while (samples.length < 3 || (samples.length < 5000 && now() - start < budget)) {
    const t0 = now();
    await run();
    samples.push(now() - t0);
  }
  const { user, system } = process.cpuUsage(cpu0);
  return { seconds: median(samples), cpuSeconds: (user + system) / 1e6 / samples.length };
}

/** Median seconds of one `run()` (see measureCalls). */
export const timeCalls = async (run, budget) => (await measureCalls(run, budget)).seconds;
