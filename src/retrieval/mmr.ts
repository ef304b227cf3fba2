import { cosine } from '../embeddings/provider.js';

export interface MmrCandidate<T> {
  item: T;
  id: string;
  /** Relevance, in [0, 1]. */
  score: number;
  /** Without a vector a candidate counts as unlike every other. */
  vector?: Float32Array;
}

/**
 * Maximal marginal relevance: picks, one at a time, the candidate maximising
 * λ × relevance − (1 − λ) × (its highest similarity to those already picked). λ = 1 keeps the relevance order;
 * lower λ trades relevance for variety. Ties keep the input order.
 *
 * @example
 * diversify(candidates, { lambda: 0.7, limit: 5 });
 */
export function diversify<T>(
  candidates: readonly MmrCandidate<T>[],
  options: { lambda: number; limit: number },
): MmrCandidate<T>[] {
  const lambda = Math.min(1, Math.max(0, options.lambda));
  const limit = Math.max(0, options.limit);
  if (lambda === 1) return candidates.slice(0, limit);
  const remaining = [...candidates];
  const picked: MmrCandidate<T>[] = [];
  // Highest similarity of each remaining candidate to the picked ones, updated as picks are made.
  const maxSimilarity = new Array<number>(remaining.length).fill(0);
  while (picked.length < limit && remaining.length > 0) {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    remaining.forEach((c, i) => {
      const value = lambda * c.score - (1 - lambda) * (maxSimilarity[i] ?? 0);
      if (value > bestValue) {
        bestValue = value;
        best = i;
      }
    });
    const [chosen] = remaining.splice(best, 1);
    maxSimilarity.splice(best, 1);
    if (!chosen) break;
    picked.push(chosen);
    if (chosen.vector) {
      remaining.forEach((c, i) => {
        if (c.vector) maxSimilarity[i] = Math.max(maxSimilarity[i] ?? 0, cosine(chosen.vector!, c.vector));
      });
    }
  }
  return picked;
}
