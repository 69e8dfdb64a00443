import { DynamicBatcher, OverloadedError } from '@ocellus/api';
import { describe, expect, it } from 'vitest';

const options = { maxBatchSize: 8, maxDelayMs: 20, maxQueue: 64 };

/** A batcher whose run doubles numbers and records each call's items. */
function doubling(overrides: Partial<typeof options> = {}, failOn?: number) {
  const calls: number[][] = [];
  const batcher = new DynamicBatcher<number, number>({ ...options, ...overrides }, async (_key, items) => {
    calls.push(items);
    if (failOn !== undefined && items.includes(failOn)) throw new Error(`cannot take ${failOn}`);
    return items.map((x) => 2 * x);
  });
  return { batcher, calls };
}

const values = (r: Awaited<ReturnType<DynamicBatcher<number, number>['submit']>>) =>
  r.results.map((x) => (x.ok ? x.value : x.error.message));

describe('DynamicBatcher', () => {
  it('runs 8 concurrent requests as one call of 8, each getting its own result', async () => {
    const { batcher, calls } = doubling();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => batcher.submit('k', [i])));
    expect(calls).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    expect(results.map(values)).toEqual([[0], [2], [4], [6], [8], [10], [12], [14]]);
  });

  it('runs a full batch at once and waits the delay for a partial one', async () => {
    const { batcher, calls } = doubling({ maxBatchSize: 4, maxDelayMs: 200 });
    const started = performance.now();
    await Promise.all([1, 2, 3, 4].map((x) => batcher.submit('k', [x])));
    expect(performance.now() - started).toBeLessThan(150);
    const partial = performance.now();
    const result = await batcher.submit('k', [5]);
    expect(performance.now() - partial).toBeGreaterThanOrEqual(190);
    expect(result.queueMs).toBeGreaterThanOrEqual(190);
    expect(calls).toEqual([[1, 2, 3, 4], [5]]);
  });

  it('splits more items than a batch holds and keeps a request in order', async () => {
    const { batcher, calls } = doubling({ maxBatchSize: 3 });
    const result = await batcher.submit('k', [1, 2, 3, 4, 5, 6, 7]);
    expect(values(result)).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(calls).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('never mixes keys in one batch', async () => {
    const { batcher, calls } = doubling();
    await Promise.all([batcher.submit('a', [1]), batcher.submit('b', [2]), batcher.submit('a', [3])]);
    expect(calls.map((c) => [...c].sort())).toEqual(expect.arrayContaining([[1, 3], [2]]));
    expect(calls).toHaveLength(2);
  });

  it('gathers what arrives while a batch runs into the next batch', async () => {
    const calls: number[][] = [];
    const batcher = new DynamicBatcher<number, number>(
      { maxBatchSize: 16, maxDelayMs: 0, maxQueue: 64 },
      async (_k, items) => {
        calls.push(items);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return items;
      },
    );
    const first = batcher.submit('k', [0]);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await Promise.all([first, ...[1, 2, 3, 4, 5].map((x) => batcher.submit('k', [x]))]);
    expect(calls).toEqual([[0], [1, 2, 3, 4, 5]]);
  });

  it('refuses past the queue bound with OverloadedError and serves again once drained', async () => {
    const { batcher } = doubling({ maxQueue: 4, maxDelayMs: 30, maxBatchSize: 100 });
    const waiting = batcher.submit('k', [1, 2, 3]);
    expect(batcher.depth).toBe(3);
    await expect(batcher.submit('k', [4, 5])).rejects.toBeInstanceOf(OverloadedError);
    expect(values(await batcher.submit('k', [4]))).toEqual([8]);
    expect(values(await waiting)).toEqual([2, 4, 6]);
    expect(batcher.depth).toBe(0);
  });

  it('fails only the item the model cannot take', async () => {
    const { batcher, calls } = doubling({}, 3);
    const results = await Promise.all([1, 2, 3, 4].map((x) => batcher.submit('k', [x])));
    expect(results.map(values)).toEqual([[2], [4], ['cannot take 3'], [8]]);
    expect(calls[0]).toEqual([1, 2, 3, 4]);
    expect(calls.slice(1)).toEqual([[1], [2], [3], [4]]);
  });

  it('fails a batch whose result count is wrong instead of misrouting results', async () => {
    const batcher = new DynamicBatcher<number, number>(options, (_k, items) => items.slice(1));
    const result = await batcher.submit('k', [1]);
    expect(result.results[0]?.ok).toBe(false);
  });

  it('withdraws a cancelled request before its batch runs', async () => {
    const { batcher, calls } = doubling({ maxDelayMs: 50 });
    const controller = new AbortController();
    const cancelled = batcher.submit('k', [1, 2], controller.signal);
    const kept = batcher.submit('k', [3]);
    controller.abort();
    expect(values(await cancelled)).toEqual([
      expect.stringContaining('cancelled'),
      expect.stringContaining('cancelled'),
    ]);
    expect(values(await kept)).toEqual([6]);
    expect(calls).toEqual([[3]]);
    await batcher.whenIdle();
  });
});
