/**
 * The evaluation's metrics: small pure functions over ranked ids and tool sequences. `ranked` is a result list,
 * best first; `relevant` the ids that count as right answers. Ranks start at 1.
 */

/** 1 when at least one relevant id is among the first `k` results, else 0 (hit-based recall@k). */
export function hitAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  return ranked.slice(0, k).some((id) => relevant.has(id)) ? 1 : 0;
}

/** 1 / rank of the first relevant id within the first `k` results; 0 when none is there. */
export function reciprocalRank(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k: number = ranked.length,
): number {
  const index = ranked.slice(0, k).findIndex((id) => relevant.has(id));
  return index === -1 ? 0 : 1 / (index + 1);
}

/**
 * nDCG@k with binary gains: DCG = Σ 1 / log2(rank + 1) over the relevant ids in the first `k` results,
 * divided by the DCG of an ideal list (min(k, |relevant|) relevant ids at the top). 0 when nothing is relevant.
 */
export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  const ideal = Math.min(k, relevant.size);
  if (ideal === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let idcg = 0;
  for (let i = 0; i < ideal; i++) idcg += 1 / Math.log2(i + 2);
  return dcg / idcg;
}

export interface SequenceScores {
  precision: number;
  recall: number;
  f1: number;
  /** 1 when both sequences have the same items in the same order. */
  exact: number;
}

/**
 * Compares a predicted sequence with the gold one as multisets: each gold item can be matched once, so
 * predicting `cancel` twice against one gold `cancel` matches one. Precision = matched / |predicted| (0 for an
 * empty prediction), recall = matched / |gold| (0 for an empty gold), F1 their harmonic mean (0 when both are 0).
 */
export function compareSequences(predicted: readonly string[], gold: readonly string[]): SequenceScores {
  const left = new Map<string, number>();
  for (const item of gold) left.set(item, (left.get(item) ?? 0) + 1);
  let matched = 0;
  for (const item of predicted) {
    const count = left.get(item) ?? 0;
    if (count > 0) {
      matched++;
      left.set(item, count - 1);
    }
  }
  const precision = predicted.length === 0 ? 0 : matched / predicted.length;
  const recall = gold.length === 0 ? 0 : matched / gold.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const exact = predicted.length === gold.length && predicted.every((item, i) => item === gold[i]) ? 1 : 0;
  return { precision, recall, f1, exact };
}

/** Arithmetic mean; 0 for an empty list. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Nearest-rank percentile (`p` in [0, 100]): the smallest value with at least p% of the values at or below it; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((Math.min(100, Math.max(0, p)) / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] ?? 0;
}
