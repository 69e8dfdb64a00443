import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from '../dom.js';
import { cssColour } from '../try/stage.js';

export type Point = { x: number; values: Record<string, number> };

/** Not curves: progress bookkeeping the page shows as text. */
const NOT_CHARTED = new Set(['etaSeconds', 'epoch', 'epochs']);
const RATE = /accuracy|^(val|test|train)?(ap|ar|bleu|iou)|ap\d+$|recall|precision/i;

/**
 * Losses share the left axis and rates (0..1) the right one; anything else (lr, speed) gets a scale of its
 * own without an axis, and starts hidden until picked in the legend.
 */
function scaleOf(name: string): string {
  if (/loss/i.test(name)) return 'loss';
  return RATE.test(name) ? 'rate' : name;
}

const HEIGHT = 260;
const NARROW = 500;

/**
 * Live curves over uPlot: a series appears the first time its metric does; points are appended as they
 * arrive. The figure's caption says how many points it holds and their latest values, for screen readers.
 */
export class Curves {
  readonly element: HTMLElement;
  private readonly holder: HTMLElement;
  private readonly summary: HTMLElement;
  private plot: uPlot;
  private readonly xs: number[] = [];
  private readonly columns = new Map<string, (number | null)[]>();
  private readonly resize: ResizeObserver;
  private width = 600;

  constructor(
    private readonly title: string,
    private readonly xLabel: string,
  ) {
    this.holder = h('div', { className: 'chart' });
    this.summary = h('figcaption', { className: 'muted' }, `${title}: no points yet`);
    this.element = h('figure', { className: 'curves', dataset: { points: '0' } }, this.holder, this.summary);
    this.plot = this.build();
    this.resize = new ResizeObserver(([entry]) => {
      const width = Math.floor(entry?.contentRect.width ?? 0);
      if (width <= 0 || width === this.width) return;
      this.width = width;
      this.plot.setSize(this.size());
    });
    this.resize.observe(this.holder);
  }

  private size() {
    return { width: this.width, height: this.width < NARROW ? 200 : HEIGHT };
  }

  /** uPlot fixes its scales when it is made, so a metric with a new scale means a new plot. */
  private build(): uPlot {
    const names = [...this.columns.keys()];
    const scales: uPlot.Scales = { x: { time: false }, loss: {}, rate: { range: [0, 1] } };
    for (const name of names) scales[scaleOf(name)] ??= {};
    return new uPlot(
      {
        title: this.title,
        ...this.size(),
        scales,
        series: [
          { label: this.xLabel },
          ...names.map((name, i) => {
            const scale = scaleOf(name);
            return {
              label: name,
              scale,
              show: scale === 'loss' || scale === 'rate',
              stroke: cssColour(i),
              width: 2,
              spanGaps: true,
              points: { show: false },
            };
          }),
        ],
        axes: [
          { label: this.xLabel },
          { scale: 'loss', label: 'loss' },
          { scale: 'rate', label: 'rate', side: 1, grid: { show: false } },
        ],
      },
      [this.xs, ...this.columns.values()],
      this.holder,
    );
  }

  push(points: readonly Point[]): void {
    let added = false;
    for (const { x, values } of points) {
      for (const [name, value] of Object.entries(values)) {
        if (NOT_CHARTED.has(name) || this.columns.has(name) || !Number.isFinite(value)) continue;
        this.columns.set(
          name,
          this.xs.map(() => null),
        );
        added = true;
      }
      this.xs.push(x);
      for (const [name, column] of this.columns) column.push(values[name] ?? null);
    }
    if (added) {
      this.plot.destroy();
      this.plot = this.build();
    } else {
      this.plot.setData([this.xs, ...this.columns.values()]);
    }
    this.describe(points.at(-1));
  }

  private describe(last: Point | undefined): void {
    this.element.dataset.points = String(this.xs.length);
    const latest = last
      ? [...this.columns.keys()]
          .filter((name) => last.values[name] !== undefined)
          .map((name) => `${name} ${last.values[name]?.toPrecision(4)}`)
      : [];
    this.summary.textContent = `${this.title}: ${this.xs.length} points${
      latest.length > 0 ? `; latest ${latest.join(', ')}` : ''
    }`;
  }

  /** Drops every point (the series stay), e.g. before the history is drawn again from a fresh record. */
  clear(): void {
    this.xs.length = 0;
    for (const column of this.columns.values()) column.length = 0;
    this.plot.setData([this.xs, ...this.columns.values()]);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot.destroy();
  }
}
