import { perClassAccuracyFromMatrix } from './classification.js';

const percent = (x: number): string => (Number.isNaN(x) ? '—' : `${(100 * x).toFixed(1)}%`);

/**
 * A plain-text confusion matrix for terminals: rows are true classes, columns predictions, then each
 * row's total and accuracy, and a last line with the column totals and the overall accuracy.
 */
export function renderConfusionMatrix(
  matrix: readonly (readonly number[])[],
  labels: readonly string[] = matrix.map((_, i) => String(i)),
): string {
  if (labels.length !== matrix.length || matrix.some((row) => row.length !== matrix.length)) {
    throw new RangeError(`need a square matrix with one label per class (${labels.length} labels)`);
  }
  const rowTotals = matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = labels.map((_, j) => matrix.reduce((sum, row) => sum + row[j]!, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = matrix.reduce((sum, row, i) => sum + row[i]!, 0);
  const perClass = perClassAccuracyFromMatrix(matrix);

  const header = ['true \\ pred', ...labels, 'total', 'accuracy'];
  const body = matrix.map((row, i) => [
    labels[i]!,
    ...row.map(String),
    String(rowTotals[i]),
    percent(perClass[i]!),
  ]);
  const footer = ['total', ...columnTotals.map(String), String(total), percent(correct / total)];
  const rows = [header, ...body, footer];
  const widths = header.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)))
      .join('  ');
  const rule = '-'.repeat(line(header).length);
  return [line(header), rule, ...body.map(line), rule, line(footer)].join('\n');
}
