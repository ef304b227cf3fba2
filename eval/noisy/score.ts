import { hitAtK, mean, percentile, reciprocalRank } from '../metrics.js';
import {
  type Calibrated,
  expectedCalibrationError,
  firstWriteMatch,
  normalizedLcs,
  type ReliabilityBin,
  reliabilityTable,
  sameWriteSet,
  writeF1,
} from './measures.js';
import type { RecordedRun } from './records.js';
import { goldWrites, type NoisyTask, writeSetKey } from './tau2-tasks.js';
import { type ToolKind, toolKind } from './tool-kinds.js';

/** A held-out task asked with its query, and what counts as a right answer. */
export interface NoisyQuery {
  taskId: string;
  text: string;
  /** Every gold tool, in order (look-ups, preparation, writes, hand-offs). */
  goldTools: string[];
  goldWrites: string[];
  /** Train episodes whose task has the same gold write set, whatever the run's outcome. */
  relevant: ReadonlySet<string>;
}

/** The test tasks as queries against the recorded train runs. */
export function buildQueries(test: readonly NoisyTask[], recorded: readonly RecordedRun[]): NoisyQuery[] {
  return test.map((task) => {
    const key = writeSetKey(goldWrites(task));
    const relevant = recorded
      .filter((r) => writeSetKey(goldWrites(r.run.task)) === key)
      .map((r) => r.record.id);
    return {
      taskId: task.id,
      text: task.query,
      goldTools: task.steps.map((s) => s.tool),
      goldWrites: goldWrites(task),
      relevant: new Set(relevant),
    };
  });
}

/**
 * A playbook's steps as the calls an agent would make: a step the library says to repeat (`times`, one call per
 * item, when the library gives it) counts that many times, so write multisets compare with the gold.
 */
export function playbookTools(steps: ReadonlyArray<{ tool: string }>): string[] {
  return steps.flatMap((step) => {
    const times = (step as { times?: unknown }).times;
    const n = typeof times === 'number' && Number.isInteger(times) && times > 1 ? Math.min(times, 50) : 1;
    return Array.from({ length: n }, () => step.tool);
  });
}

/** What a row answered for one query: advised tools, a confidence, and optionally ranked episode ids. */
export interface Advice {
  tools: string[];
  confidence: number;
  ranked?: string[];
  /** Episodes the advice came from (the library's `supportingEpisodeIds`). */
  supporting?: string[];
  ms?: number;
}

/** The measures of one row, in table order. Retrieval columns average over queries with a relevant episode. */
export const NOISY_METRICS = [
  'write.F1',
  'seq.LCS',
  'firstWrite',
  'right',
  'conf',
  'MRR@10',
  'hit@5',
] as const;
/** Diagnostics: advice that includes a hand-off, that rests on a failed run, or that is empty. */
export const NOISY_FLAGS = ['handoff', 'fromFailed', 'empty'] as const;

export interface QueryResult {
  metrics: Record<string, number>;
  calibration: Calibrated;
  ms: number;
}

/** Scores one answer. `failed` holds the ids of failed train episodes. */
export function scoreAdvice(
  query: NoisyQuery,
  advice: Advice,
  kindOf: (tool: string) => ToolKind,
  failed: ReadonlySet<string>,
): QueryResult {
  const writes = advice.tools.filter((t) => kindOf(t) === 'write');
  const right = sameWriteSet(writes, query.goldWrites);
  const ranked = advice.ranked;
  const retrieval: Record<string, number> =
    ranked && query.relevant.size > 0
      ? { 'MRR@10': reciprocalRank(ranked, query.relevant, 10), 'hit@5': hitAtK(ranked, query.relevant, 5) }
      : {};
  return {
    ms: advice.ms ?? 0,
    calibration: { confidence: advice.confidence, right: right === 1 },
    metrics: {
      'write.F1': writeF1(writes, query.goldWrites),
      'seq.LCS': normalizedLcs(advice.tools, query.goldTools),
      firstWrite: firstWriteMatch(writes, query.goldWrites),
      right,
      conf: advice.confidence,
      ...retrieval,
      handoff: advice.tools.some((t) => kindOf(t) === 'handoff') ? 1 : 0,
      fromFailed: (advice.supporting ?? []).some((id) => failed.has(id)) ? 1 : 0,
      empty: advice.tools.length === 0 ? 1 : 0,
    },
  };
}

/** A row's averages, calibration and timing. */
export interface RowSummary {
  config: string;
  kind: 'library' | 'baseline';
  queries: number;
  metrics: Record<string, number>;
  counts: Record<string, number>;
  ece: number;
  reliability: ReliabilityBin[];
  ms: { p50: number; p95: number };
}

export function summarizeRow(
  config: string,
  kind: RowSummary['kind'],
  results: readonly QueryResult[],
): RowSummary {
  const metrics: Record<string, number> = {};
  const counts: Record<string, number> = {};
  for (const name of [...NOISY_METRICS, ...NOISY_FLAGS]) {
    const values = results.flatMap((r) => r.metrics[name] ?? []);
    metrics[name] = mean(values);
    counts[name] = values.length;
  }
  const calibration = results.map((r) => r.calibration);
  const ms = results.map((r) => r.ms);
  return {
    config,
    kind,
    queries: results.length,
    metrics,
    counts,
    ece: expectedCalibrationError(calibration),
    reliability: reliabilityTable(calibration),
    ms: { p50: percentile(ms, 50), p95: percentile(ms, 95) },
  };
}

/** The kind of a domain's tool, with an unknown tool (never in the data) counted as a look-up. */
export function kindIn(domain: NoisyTask['domain']): (tool: string) => ToolKind {
  return (tool) => {
    try {
      return toolKind(domain, tool);
    } catch {
      return 'lookup';
    }
  };
}
