import { formatTable } from '../eval/table.js';
import type { GrowthRow } from './growth.js';
import { GOAL_FACTOR, type Stats } from './measure.js';
import { GROWTH_TARGET, IMPORT_TARGET, OP_TARGETS, targetAt } from './targets.js';

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

/** `1k`, `10k`, `100k`, `1M`: a store size in a header. */
export function sizeLabel(episodes: number): string {
  if (episodes >= 1_000_000 && episodes % 1_000_000 === 0) return `${episodes / 1_000_000}M`;
  if (episodes >= 1000 && episodes % 1000 === 0) return `${episodes / 1000}k`;
  return count(episodes);
}

const MISS = 'MISS';

export interface GrowthCheck {
  /** The sizes the growth ratio compares (10k and 100k when both were measured, else the last two). */
  from: number;
  to: number;
  /** p95 at `to` over p95 at `from` per operation; for the import, the rate at `from` over the rate at `to`. */
  ratios: Record<string, number>;
  /** Every figure that misses its target, in words. */
  misses: string[];
}

/** The growth ratios and the misses against issue 11's targets, for the table and results.json. */
export function checkGrowth(rows: readonly GrowthRow[]): GrowthCheck | undefined {
  const [from, to] = growthPair(rows);
  const misses: string[] = [];
  for (const row of rows) {
    for (const op of OP_TARGETS) {
      const target = targetAt(op, row.episodes);
      if (row[op.key].p95 > target)
        misses.push(`${op.label} @${sizeLabel(row.episodes)}: p95 ${ms(row[op.key].p95)} ms > ${target} ms`);
    }
    if (row.importPerSec < IMPORT_TARGET)
      misses.push(
        `import @${sizeLabel(row.episodes)}: ${count(row.importPerSec)} ep/s < ${count(IMPORT_TARGET)}`,
      );
  }
  if (!from || !to) return rows.length > 0 ? { from: 0, to: 0, ratios: {}, misses } : undefined;
  const ratios: Record<string, number> = {};
  for (const op of OP_TARGETS) ratios[op.key] = to[op.key].p95 / from[op.key].p95;
  ratios.import = from.importPerSec / to.importPerSec;
  if (from.episodes === 10_000 && to.episodes === 100_000) {
    for (const [key, value] of Object.entries(ratios))
      if (value > GROWTH_TARGET)
        misses.push(`growth 10k→100k of ${key}: ×${value.toFixed(1)} > ×${GROWTH_TARGET}`);
  }
  return { from: from.episodes, to: to.episodes, ratios, misses };
}

function growthPair(rows: readonly GrowthRow[]): [GrowthRow | undefined, GrowthRow | undefined] {
  const at10k = rows.find((r) => r.episodes === 10_000);
  const at100k = rows.find((r) => r.episodes === 100_000);
  if (at10k && at100k) return [at10k, at100k];
  return rows.length >= 2 ? [rows.at(-2), rows.at(-1)] : [undefined, undefined];
}

/**
 * Issue 11's table: one row per operation, one column per store size (p50 / p95 ms, `MISS` when the p95 is over
 * the issue's target), the targets, and the growth between 10k and 100k (or the last two sizes).
 */
export function growthTable(rows: readonly GrowthRow[]): string {
  const check = checkGrowth(rows);
  const pair = check && check.from > 0;
  const strict = pair && check.from === 10_000 && check.to === 100_000;
  const growth = (key: string, target: boolean) => {
    const value = check?.ratios[key];
    if (value === undefined) return '—';
    return `×${value.toFixed(1)}${target && strict && value > GROWTH_TARGET ? ` ${MISS}` : ''}`;
  };
  const plain = (label: string, cell: (r: GrowthRow) => string, key?: keyof GrowthRow) => [
    label,
    ...rows.map(cell),
    '—',
    key && pair ? ratioOf(rows, check, key) : '—',
  ];
  const body: string[][] = [
    ...OP_TARGETS.map((op) => [
      `${op.label} (p50 / p95 ms)`,
      ...rows.map((r) => {
        const s = r[op.key];
        return `${ms(s.p50)} / ${ms(s.p95)}${s.p95 > targetAt(op, r.episodes) ? ` ${MISS}` : ''}`;
      }),
      op.at10k === op.at100k ? `≤ ${op.at10k}` : `≤ ${op.at10k} / ≤ ${op.at100k}`,
      growth(op.key, true),
    ]),
    [
      'bulk import (episodes/s)',
      ...rows.map((r) => `${count(r.importPerSec)}${r.importPerSec < IMPORT_TARGET ? ` ${MISS}` : ''}`),
      `≥ ${count(IMPORT_TARGET)}`,
      growth('import', true),
    ],
    plain('reindex (s, new episodes)', (r) => r.reindexSec.toFixed(1)),
    plain('vector index load, warm() (s)', (r) => (r.warmSec === undefined ? '-' : r.warmSec.toFixed(2))),
    plain('RSS (MB)', (r) => count(r.rssMb), 'rssMb'),
    plain('peak RSS (MB, run so far)', (r) => count(r.peakRssMb), 'peakRssMb'),
    plain('size on disk (MB)', (r) => count(r.dbMb), 'dbMb'),
  ];
  const head = pair ? `growth ${sizeLabel(check.from)}→${sizeLabel(check.to)}` : 'growth';
  return formatTable(
    [
      'operation',
      ...rows.map((r) => sizeLabel(r.episodes)),
      'target',
      strict ? `${head} (≤ ×${GROWTH_TARGET})` : head,
    ],
    body,
  );
}

function ratioOf(rows: readonly GrowthRow[], check: GrowthCheck, key: keyof GrowthRow): string {
  const a = rows.find((r) => r.episodes === check.from)?.[key];
  const b = rows.find((r) => r.episodes === check.to)?.[key];
  return typeof a === 'number' && typeof b === 'number' && a > 0 ? `×${(b / a).toFixed(1)}` : '—';
}
