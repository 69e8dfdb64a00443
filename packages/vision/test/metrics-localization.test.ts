import { localizationMetrics } from '@ocellus/vision/metrics';
import { describe, expect, it } from 'vitest';

describe('localizationMetrics', () => {
  it('scores class, overlap, and both together', () => {
    const truth = [
      { label: 0, box: [0, 0, 10, 10] as const },
      { label: 1, box: [0, 0, 10, 10] as const },
      { label: 2, box: [0, 0, 10, 10] as const },
      { label: 3, box: [0, 0, 4, 4] as const },
    ];
    const predicted = [
      { label: 0, box: [0, 0, 10, 10] as const }, // right class, IoU 1
      { label: 1, box: [0, 0, 10, 4] as const }, // right class, IoU 0.4
      { label: 0, box: [0, 0, 10, 5] as const }, // wrong class, IoU 0.5
      { label: 3, box: [0, 0, 4, 2] as const }, // right class, IoU exactly 0.5
    ];
    const m = localizationMetrics(truth, predicted);
    expect(m.accuracy).toBe(3 / 4);
    expect(m.meanIou).toBeCloseTo((1 + 0.4 + 0.5 + 0.5) / 4, 14);
    expect(m.correctAt50).toBe(2 / 4);
  });

  it('refuses lists of different lengths', () => {
    expect(() => localizationMetrics([{ label: 0, box: [0, 0, 1, 1] }], [])).toThrow(/1 true boxes but 0/);
  });
});
