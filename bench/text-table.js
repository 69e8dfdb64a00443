// A plain-text table for the benchmarks' printouts: columns as wide as their widest cell, two spaces apart,
// a dashed rule under the header.

/** `header` and `lines` (arrays of cell strings) as one left-aligned table, without a trailing newline. */
export function textTable(header, lines) {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const render = (cells) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
}
