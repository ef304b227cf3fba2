import type { Summary } from './harness.js';

export interface Row {
  config: string;
  summary: Summary;
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Rows = configurations; columns = the metrics, then the time of a `retrieve` call (p50, p95). */
export function metricsTable(metrics: readonly string[], rows: readonly Row[]): string {
  return formatTable(
    ['config', ...metrics, 'ms p50', 'ms p95'],
    rows.map(({ config, summary }) => [
      config,
      ...metrics.map((m) => (summary.metrics[m] ?? 0).toFixed(3)),
      summary.ms.p50.toFixed(1),
      summary.ms.p95.toFixed(1),
    ]),
  );
}

/** `+0.123` or `-0.045`. */
export function signed(value: number): string {
  return `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
}

/** JSON with fractions rounded to 4 decimals, for result files people read. */
export function roundedJson(value: unknown): string {
  const round = (_: string, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10_000) / 10_000 : v;
  return `${JSON.stringify(value, round, 2)}\n`;
}
