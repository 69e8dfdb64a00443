import { type Manifest, manifestObjectSchema } from '@ocellus/contracts';
import { z } from 'zod';
import { apiJson } from '../api.js';
import { h } from '../dom.js';
import { formatMetric } from '../format.js';

const confusionSchema = z.array(z.array(z.number().min(0)));
const perClassAccuracySchema = z.array(z.number());
const perClassApSchema = z.array(z.looseObject({ label: z.string(), ap: z.number(), ap50: z.number() }));

/** Rows are the true class, columns the predicted one; each cell shaded by its share of the row. */
function confusionMatrix(labels: readonly string[], matrix: number[][]): HTMLElement {
  const label = (i: number) => labels[i] ?? String(i);
  return h(
    'div',
    { className: 'scroll' },
    h(
      'table',
      { className: 'confusion' },
      h('caption', {}, 'Confusion matrix on the test split (rows: true class, columns: predicted)'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, ''),
          ...matrix.map((_, j) => h('th', { scope: 'col' }, label(j))),
        ),
      ),
      h(
        'tbody',
        {},
        ...matrix.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0) || 1;
          return h(
            'tr',
            {},
            h('th', { scope: 'row' }, label(i)),
            ...row.map((count, j) => {
              const cell = h('td', { className: i === j ? 'diagonal' : '' }, count);
              const share = count / total;
              if (share > 0)
                cell.style.backgroundColor = `rgb(${i === j ? '0 158 115' : '213 94 0'} / ${share})`;
              return cell;
            }),
          );
        }),
      ),
    ),
  );
}

function perClass(manifest: Manifest): HTMLElement | null {
  const { labels, extra } = manifest;
  const accuracy = perClassAccuracySchema.safeParse(extra.perClassAccuracy);
  if (accuracy.success) {
    return h(
      'p',
      { className: 'muted' },
      `Per-class accuracy: ${accuracy.data.map((a, i) => `${labels[i] ?? i} ${formatMetric('accuracy', a)}`).join(' · ')}`,
    );
  }
  const ap = perClassApSchema.safeParse(extra.perClassAp);
  if (ap.success) {
    return h(
      'p',
      { className: 'muted' },
      `Per-class AP50: ${ap.data.map((c) => `${c.label} ${formatMetric('ap50', c.ap50)}`).join(' · ')}`,
    );
  }
  return null;
}

/** The full manifest of a version: every metric, its input, per-class results and the confusion matrix. */
export async function versionDetails(name: string, version: number): Promise<HTMLElement> {
  const manifest = await apiJson(`/v1/models/${name}/versions/${version}`, manifestObjectSchema);
  const confusion = confusionSchema.safeParse(manifest.extra.confusionMatrix);
  const { channels, height, width, format } = manifest.inputSpec;
  return h(
    'div',
    { className: 'version-details' },
    h(
      'dl',
      { className: 'metrics' },
      ...Object.entries(manifest.metrics).flatMap(([metric, value]) => [
        h('dt', {}, metric),
        h('dd', {}, formatMetric(metric, value)),
      ]),
      h('dt', {}, 'input'),
      h('dd', {}, `${channels}x${height}x${width} (${format})`),
      h('dt', {}, 'sha256'),
      h('dd', { className: 'hash' }, manifest.weights.sha256),
    ),
    perClass(manifest),
    confusion.success && manifest.task === 'classify'
      ? confusionMatrix(manifest.labels, confusion.data)
      : null,
  );
}
