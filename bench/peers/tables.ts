import type { McpRun } from './mcp-bench.js';
import type { RetrievalRow } from './orama-bench.js';
import { ratio, table } from './stats.js';
import type { Verdict } from './suite.js';

const ms = (value: number) => value.toFixed(2);
const pct = (value: number) => `${(value * 100).toFixed(1)}%`;

/** One row per system and size; the ratio rows read server-memory / slmem (above 1: slmem is faster). */
export function mcpTable(runs: readonly McpRun[]): string {
  const rows: string[][] = [];
  const sizes = [...new Set(runs.map((r) => r.target))];
  for (const n of sizes) {
    const peer = runs.find((r) => r.target === n && r.system === 'server-memory');
    const ours = runs.find((r) => r.target === n && r.system === 'slmem');
    for (const run of [peer, ours]) {
      if (!run) continue;
      rows.push([
        run.system,
        `${run.stored}${run.capped ? ` of ${n} (capped)` : ''}`,
        `${ms(run.writes.p50)} / ${ms(run.writes.p95)}`,
        `${ms(run.lastWrites.p50)} / ${ms(run.lastWrites.p95)}`,
        `${ms(run.searches.latency.p50)} / ${ms(run.searches.latency.p95)}`,
        pct(run.searches.relevance),
        `${pct(run.searches.nonEmpty)}, ${run.searches.meanResults}`,
      ]);
      if (run.keywordSearches) {
        const k = run.keywordSearches;
        rows.push([
          `${run.system} (1-word query)`,
          '',
          '',
          '',
          `${ms(k.latency.p50)} / ${ms(k.latency.p95)}`,
          pct(k.relevance),
          `${pct(k.nonEmpty)}, ${k.meanResults}`,
        ]);
      }
    }
    if (peer && ours)
      rows.push([
        'ratio server-memory / slmem',
        '',
        `${ratio(peer.writes.p50, ours.writes.p50)} / ${ratio(peer.writes.p95, ours.writes.p95)}`,
        `${ratio(peer.lastWrites.p50, ours.lastWrites.p50)} / ${ratio(peer.lastWrites.p95, ours.lastWrites.p95)}`,
        `${ratio(peer.searches.latency.p50, ours.searches.latency.p50)} / ${ratio(peer.searches.latency.p95, ours.searches.latency.p95)}`,
        '',
        '',
      ]);
  }
  return table(
    [
      'system',
      'memories stored',
      'write p50 / p95 ms',
      'last 10% writes p50 / p95 ms',
      'search p50 / p95 ms',
      'relevant',
      'non-empty, mean results',
    ],
    rows,
  );
}

/** One row per library and mode; the ratio column reads this row's p50 over slmem's default row of the mode. */
export function retrievalTable(rows: readonly RetrievalRow[]): string {
  return table(
    ['library', 'mode', 'setup', 'recall@5', 'p50 / p95 ms', 'p50 vs slmem defaults'],
    rows.map((row) => {
      const ours = rows.find((r) => r.library === 'slmem' && r.mode === row.mode);
      return [
        row.library,
        row.mode,
        row.setup,
        pct(row.recallAt5),
        `${ms(row.latency.p50)} / ${ms(row.latency.p95)}`,
        ratio(row.latency.p50, ours?.latency.p50),
      ];
    }),
  );
}

/** One row per comparison the issue names: their p95 over ours, the quality of both, and whether we win. */
export function versusTable(verdicts: readonly Verdict[]): string {
  return table(
    ['versus', 'p95 theirs / ours', 'quality ours / theirs', 'faster at equal quality', 'note'],
    verdicts.map((v) => [
      v.versus,
      `${v.p95Ratio.toFixed(2)}x`,
      `${pct(v.quality.slmem)} / ${pct(v.quality.peer)}`,
      v.faster ? 'yes' : 'NO',
      v.note,
    ]),
  );
}
