import { performance } from 'node:perf_hooks';

/** The p95 targets of the modelled Rust system, in ms; the goal is 100× better (target / 100). */
export const TARGETS = {
  start: 50,
  logStep: 20,
  complete: 500,
  extract: 1000,
  retrieve: 100,
} as const;

export const GOAL_FACTOR = 100;

export interface Stats {
  name: string;
  n: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** Operations per second, from the mean time of one (for imports: episodes per second). */
  opsPerSec: number;
  targetMs?: number;
  goalMs?: number;
  /** target / p95: how many times faster than the target; the goal is ≥ 100. */
  ratio?: number;
  note?: string;
}

export interface SampleOptions {
  n: number;
  warmup: number;
  targetMs?: number;
  /** Items one call handles (a batch import), so throughput counts items, not calls. */
  itemsPerOp?: number;
  note?: string;
}

/**
 * Runs `once` warm-up + n times in sequence; `once` returns the milliseconds of the part it times (setup
 * such as logging the steps of an episode to complete stays outside).
 */
export async function sample(
  name: string,
  options: SampleOptions,
  once: (i: number) => Promise<number>,
): Promise<Stats> {
  for (let i = 0; i < options.warmup; i++) await once(-1 - i);
  const times: number[] = [];
  for (let i = 0; i < options.n; i++) times.push(await once(i));
  return summarize(name, times, options);
}

/** Times one call in milliseconds. */
export async function timed(call: () => unknown): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

export function summarize(name: string, times: readonly number[], options: SampleOptions): Stats {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, t) => sum + t, 0) / Math.max(1, sorted.length);
  const p95 = percentile(sorted, 95);
  const stats: Stats = {
    name,
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95,
    p99: percentile(sorted, 99),
    mean,
    opsPerSec: mean > 0 ? (1000 * (options.itemsPerOp ?? 1)) / mean : 0,
  };
  if (options.targetMs !== undefined) {
    stats.targetMs = options.targetMs;
    stats.goalMs = options.targetMs / GOAL_FACTOR;
    stats.ratio = p95 > 0 ? options.targetMs / p95 : Number.POSITIVE_INFINITY;
  }
  if (options.note) stats.note = options.note;
  return stats;
}

/** Nearest-rank percentile of an ascending list; 0 for an empty one. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function rssMb(): { rss: number; peak: number } {
  return {
    rss: process.memoryUsage().rss / 2 ** 20,
    peak: process.resourceUsage().maxRSS / 1024,
  };
}
