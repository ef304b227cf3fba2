import { readFile, writeFile } from 'node:fs/promises';
import { formatTable, roundedJson } from '../table.js';
import type { NoisyDatasetReport } from './benchmark.js';
import { formatFigures } from './figures.js';
import type { RowSummary } from './score.js';

const COLUMNS = [
  'write.F1',
  'seq.LCS',
  'firstWrite',
  'right',
  'conf',
  'ECE',
  'MRR@10',
  'hit@5',
  'handoff',
  'fromFailed',
  'empty',
];

/** One dataset's figures, its table of rows and the reliability tables of the defaults and the best baseline. */
export function formatNoisyReport(domain: string, report: NoisyDatasetReport): string {
  const rows = report.rows.map((row) => [
    row.config,
    ...COLUMNS.map((c) => (c === 'ECE' ? row.ece : (row.metrics[c] ?? 0)).toFixed(3)),
    row.ms.p50.toFixed(1),
  ]);
  const reliability = ['slmem', 'top5-vote'].flatMap((name) => {
    const row = report.rows.find((r) => r.config === name);
    return row ? [`reliability of ${name} (ECE ${row.ece.toFixed(3)})`, reliabilityTable(row)] : [];
  });
  return [
    `\nnoisy ${domain} (tau2-${domain}): memory = ${report.runs} generated runs of ${report.trainTasks} train tasks; ${report.queries} test queries, ${report.answerable} with a relevant train episode`,
    formatFigures('  generator', report.figures),
    '  write.F1 = multiset F1 of advised vs gold write tools; seq.LCS = LCS / max length over all tools; firstWrite = same first write;',
    '  right = same write-tool set (what ECE is measured against); conf = mean confidence; MRR@10, hit@5: relevant = train runs of tasks',
    '  with the same gold write set; handoff / fromFailed / empty = share of advice with a hand-off tool / resting on a failed run / empty',
    formatTable(['config', ...COLUMNS, 'ms p50'], rows),
    ...reliability,
  ].join('\n');
}

function reliabilityTable(row: RowSummary): string {
  return formatTable(
    ['bin', 'n', 'mean conf', 'accuracy'],
    row.reliability
      .filter((b) => b.n > 0)
      .map((b) => [
        `${b.lower.toFixed(1)}-${b.upper.toFixed(1)}`,
        String(b.n),
        b.meanConfidence.toFixed(3),
        b.accuracy.toFixed(3),
      ]),
  );
}

/**
 * Sets top-level keys of eval/results.json and keeps the others, so that `--only noisy` and `--only replay`
 * add their part to the file a full run wrote.
 */
export async function updateResults(file: URL, patch: Record<string, unknown>): Promise<void> {
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // No file yet, or not JSON: start afresh.
  }
  await writeFile(file, roundedJson({ ...current, ...patch }));
}
