/**
 * Baselines that need no learning, run on the same train runs and queries as the library: the reference BM25
 * (eval/bm25.ts) over the runs' task texts, and three ways to turn its neighbours (or nothing) into advised tools.
 */
import { bm25 } from '../bm25.js';
import { sameWriteSet } from './measures.js';

/** A train run as the baselines see it: its text, the tools of its successful calls, its writes, its outcome. */
export interface BaselineRun {
  id: string;
  text: string;
  tools: string[];
  writes: string[];
  success: boolean;
}

/** Advised tools with a confidence, and the run ids by BM25 score (for retrieval measures). */
export interface BaselinePrediction {
  tools: string[];
  confidence: number;
  ranked: string[];
}

export const BASELINES = ['top1-bm25', 'top5-vote', 'most-frequent'] as const;
export type BaselineName = (typeof BASELINES)[number];

/**
 * The three baselines over the train runs. (a) `top1-bm25`: the tools of the best-scoring successful run.
 * (b) `top5-vote`: the tools found in at least half of the 5 best successful runs, in the order (and with the
 * repeats) of the best one. (c) `most-frequent`: the domain's most frequent tool sequence among successful runs,
 * whatever the query. Confidence of each: the BM25 score share of those 5 runs whose write set equals the
 * advised one.
 */
export function baselinePredictors(
  runs: readonly BaselineRun[],
  isWrite: (tool: string) => boolean,
): Record<BaselineName, (query: string) => BaselinePrediction> {
  const search = bm25(runs.map((r) => r.text));
  const frequent = mostFrequentSequence(runs);
  const predict = (query: string, choose: (top: readonly BaselineRun[]) => string[]) => {
    const hits = search(query);
    const top = hits.filter((h) => runs[h.index]!.success).slice(0, 5);
    const tools = choose(top.map((h) => runs[h.index]!));
    const writes = tools.filter(isWrite);
    const total = top.reduce((sum, h) => sum + h.score, 0);
    const agreeing = top.filter((h) => sameWriteSet(runs[h.index]!.writes, writes) === 1);
    const confidence = total === 0 ? 0 : agreeing.reduce((sum, h) => sum + h.score, 0) / total;
    return { tools, confidence, ranked: hits.slice(0, 10).map((h) => runs[h.index]!.id) };
  };
  return {
    'top1-bm25': (query) => predict(query, (top) => top[0]?.tools ?? []),
    'top5-vote': (query) => predict(query, vote),
    'most-frequent': (query) => predict(query, () => frequent),
  };
}

/** Tools present in at least half of the runs, in the order and with the repeats of the first run. */
export function vote(top: readonly BaselineRun[]): string[] {
  const present = new Map<string, number>();
  for (const run of top)
    for (const tool of new Set(run.tools)) present.set(tool, (present.get(tool) ?? 0) + 1);
  return (top[0]?.tools ?? []).filter((tool) => 2 * (present.get(tool) ?? 0) >= top.length);
}

/** The most frequent tool sequence of the successful runs (ties: the lexicographically first). */
export function mostFrequentSequence(runs: readonly BaselineRun[]): string[] {
  const counts = new Map<string, { n: number; tools: string[] }>();
  for (const run of runs.filter((r) => r.success)) {
    const key = run.tools.join(' > ');
    counts.set(key, { n: (counts.get(key)?.n ?? 0) + 1, tools: run.tools });
  }
  const best = [...counts].sort(([ka, a], [kb, b]) => b.n - a.n || (ka < kb ? -1 : ka > kb ? 1 : 0))[0];
  return best?.[1].tools ?? [];
}
