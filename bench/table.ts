import { formatTable } from '../eval/table.js';
import type { GrowthRow } from './growth.js';
import { GOAL_FACTOR, type Stats } from './measure.js';

export function ms(value: number): string {
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

const count = (value: number) => Math.round(value).toLocaleString('en-US');

/** `×2,400 ✓` when the p95 is at least 100× under the target; `×0.3` when it is over the target. */
export function ratio(stats: Stats): string {
  if (stats.ratio === undefined) return '—';
  const times = stats.ratio >= 10 ? count(stats.ratio) : stats.ratio.toFixed(1);
  return `×${times}${stats.ratio >= GOAL_FACTOR ? ' ✓' : ''}`;
}

export function operationsTable(rows: readonly Stats[]): string {
  return formatTable(
    ['operation', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'ops/s', 'target', 'goal', 'target/p95'],
    rows.map((s) => [
      s.name,
      String(s.n),
      ms(s.p50),
      ms(s.p95),
      ms(s.p99),
      count(s.opsPerSec),
      s.targetMs === undefined ? '—' : `${s.targetMs} ms`,
      s.goalMs === undefined ? '—' : `${s.goalMs} ms`,
      ratio(s),
    ]),
  );
}

export function growthTable(rows: readonly GrowthRow[]): string {
  return formatTable(
    [
      'episodes',
      'lexical p50/p95',
      'ratio',
      'hybrid p50/p95',
      'ratio',
      'complete-20 p50/p95',
      'ratio',
      'import ep/s',
      'reindex s',
      'RSS MB',
      'peak MB',
      'db MB',
    ],
    rows.map((r) => [
      count(r.episodes),
      `${ms(r.lexical.p50)} / ${ms(r.lexical.p95)}`,
      ratio(r.lexical),
      `${ms(r.hybrid.p50)} / ${ms(r.hybrid.p95)}`,
      ratio(r.hybrid),
      `${ms(r.complete.p50)} / ${ms(r.complete.p95)}`,
      ratio(r.complete),
      count(r.importPerSec),
      r.reindexSec.toFixed(1),
      count(r.rssMb),
      count(r.peakRssMb),
      count(r.dbMb),
    ]),
  );
}
