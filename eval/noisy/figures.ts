import type { NoisyRun } from './generate.js';

/** The realised shape of a set of generated runs, to compare with the figures of real logs. */
export interface RunFigures {
  runs: number;
  failureRate: number;
  callsMean: number;
  callsMedian: number;
  callsMax: number;
  /** Shares of all calls: look-ups (preparation steps included), writes, thinking, hand-offs. */
  lookupShare: number;
  writeShare: number;
  thinkShare: number;
  handoffCallShare: number;
  errorShare: number;
  /** Runs whose last call hands the customer to a human. */
  handoffRunShare: number;
  /** Successful runs whose writes are the gold writes with the gold arguments. */
  exactWritesOfSuccesses: number;
  queryWordsMedian: number;
}

/** What real runs look like, from public tool-calling logs of a customer-service domain (datasets README). */
export const REAL_FIGURES = {
  failureRate: 0.5,
  callsMean: 6,
  callsMedian: 5,
  callsMax: 27,
  lookupShare: 0.6,
  writeShare: 0.25,
  errorShare: 0.06,
  handoffRunShare: 0.25,
  exactWritesOfSuccesses: 0.5,
  queryWordsMedian: 15,
} as const;

/**
 * Measures the runs.
 *
 * @example
 * runFigures(generateRuns(tasks, 7)).failureRate; // about 0.5
 */
export function runFigures(runs: readonly NoisyRun[]): RunFigures {
  const steps = runs.flatMap((r) => r.steps);
  const calls = runs.map((r) => r.steps.length).sort((a, b) => a - b);
  const share = (n: number, of: number) => (of === 0 ? 0 : n / of);
  const kind = (...kinds: string[]) =>
    share(steps.filter((s) => kinds.includes(s.kind)).length, steps.length);
  const successes = runs.filter((r) => r.success);
  const words = [...new Set(runs.map((r) => r.task))]
    .map((t) => t.query.split(/\s+/).filter(Boolean).length)
    .sort((a, b) => a - b);
  return {
    runs: runs.length,
    failureRate: share(runs.length - successes.length, runs.length),
    callsMean: share(steps.length, runs.length),
    callsMedian: median(calls),
    callsMax: calls[calls.length - 1] ?? 0,
    lookupShare: kind('lookup', 'prep'),
    writeShare: kind('write'),
    thinkShare: kind('think'),
    handoffCallShare: kind('handoff'),
    errorShare: share(steps.filter((s) => s.error !== undefined).length, steps.length),
    handoffRunShare: share(
      runs.filter((r) => r.steps[r.steps.length - 1]?.kind === 'handoff').length,
      runs.length,
    ),
    exactWritesOfSuccesses: share(successes.filter((r) => r.exactWrites).length, successes.length),
    queryWordsMedian: median(words),
  };
}

/** Median of sorted numbers (mean of the two middle ones for an even count); 0 for none. */
export function median(sorted: readonly number[]): number {
  if (sorted.length === 0) return 0;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The figures as `name  realised  (real)` lines. */
export function formatFigures(name: string, f: RunFigures): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
  return [
    `${name}: ${f.runs} runs`,
    `  failures ${pct(f.failureRate)} (real ~50 %); calls per run mean ${f.callsMean.toFixed(1)}, median ${f.callsMedian}, max ${f.callsMax} (real ~6, 5, ~27)`,
    `  calls: look-ups ${pct(f.lookupShare)}, writes ${pct(f.writeShare)}, thinking ${pct(f.thinkShare)}, hand-offs ${pct(f.handoffCallShare)} (real ~60 %, ~25 %, the rest thinking)`,
    `  errors ${pct(f.errorShare)} of calls (real ~6 %); runs ending in a hand-off ${pct(f.handoffRunShare)} (real ~25 %)`,
    `  successes with the gold writes exactly ${pct(f.exactWritesOfSuccesses)} (real ~50 %); query words median ${f.queryWordsMedian} (real ~15)`,
  ].join('\n');
}
