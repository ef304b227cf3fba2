import type { LexicalHit, VectorHit } from '../storage/index.js';
import type { RetrievalSettings } from './settings.js';

/** A ranked list of candidates from one source (BM25, vectors), best first. */
export type RankedList = ReadonlyArray<{ id: string; score: number }>;

/**
 * Reciprocal rank fusion: each list gives a candidate weight / (k + rank), rank starting at 1 and shared by
 * equal scores. It ignores the
 * scores' scales, which differ between BM25 and cosine similarity. Result: id → fused score, not normalised.
 *
 * @example
 * reciprocalRankFusion([bm25Hits, vectorHits], { k: 60 }); // Map { 'a' => 0.0325, ... }
 */
export function reciprocalRankFusion(
  lists: readonly RankedList[],
  options: { k?: number; weights?: readonly number[] } = {},
): Map<string, number> {
  const k = options.k ?? 60;
  const fused = new Map<string, number>();
  lists.forEach((list, l) => {
    const weight = options.weights?.[l] ?? 1;
    // Equal scores share the better rank, so identical texts are not set apart by the order they came in.
    let rank = 0;
    list.forEach((hit, i) => {
      if (i > 0 && hit.score !== list[i - 1]?.score) rank = i;
      fused.set(hit.id, (fused.get(hit.id) ?? 0) + weight / (k + rank + 1));
    });
  });
  return fused;
}

/** Min-max normalisation to [0, 1]; a list whose scores are all equal maps to 1s (all equally good). */
export function minMaxNormalize(list: RankedList): Map<string, number> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { score } of list) {
    if (!Number.isFinite(score)) continue;
    if (score < min) min = score;
    if (score > max) max = score;
  }
  const span = max - min;
  return new Map(
    list.map(({ id, score }) => [id, !Number.isFinite(score) ? 0 : span > 0 ? (score - min) / span : 1]),
  );
}

/**
 * Normalised weighted sum: each list min-max normalised to [0, 1], then weighted and added; a candidate missing
 * from a list gets 0 from it. Result in [0, sum of weights].
 */
export function weightedFusion(
  lists: readonly RankedList[],
  weights: readonly number[],
): Map<string, number> {
  const fused = new Map<string, number>();
  lists.forEach((list, l) => {
    const weight = weights[l] ?? 1;
    for (const [id, score] of minMaxNormalize(list)) fused.set(id, (fused.get(id) ?? 0) + weight * score);
  });
  return fused;
}

/** How many of a list's best hits say how decisive it is. */
const DECISIVE_DEPTH = 10;
/** A list with no drop at all keeps this much of its weight: flat is weak evidence, not none. */
const DECISIVE_FLOOR = 0.1;

/**
 * How decisive a list is for this query, in [0, 1]: the relative drop from its best score to its `depth`-th
 * (1 − s_k / s_1). A list whose best hits score alike (every episode shares a common word; every vector is
 * about as close) barely tells them apart; one whose best stands out does. Lists of fewer than two hits, or
 * with a best score at or below 0, count as flat.
 *
 * @example
 * decisiveness([{ id: 'a', score: 9 }, { id: 'b', score: 3 }]); // 0.667
 */
export function decisiveness(list: RankedList, depth = DECISIVE_DEPTH): number {
  const best = list[0]?.score ?? 0;
  if (list.length < 2 || !(best > 0)) return 0;
  const last = list[Math.min(depth, list.length) - 1]?.score ?? best;
  return Math.min(1, Math.max(0, 1 - last / best));
}

/**
 * Fuses the two candidate lists into one relevance in [0, 1]: min-max over the fused candidates, so the best
 * is 1 and the weakest 0. (Dividing by the best alone left RRF's scores bunched near 1 — ranks 1 to 10 all
 * above 0.87 — so re-ranking signals and MMR outweighed what the text said.)
 */
export function fuse(
  lexical: readonly LexicalHit[],
  similar: readonly VectorHit[],
  settings: RetrievalSettings,
): Map<string, number> {
  const lists: RankedList[] = [];
  const weights: number[] = [];
  // With `listWeights: 'decisive'` each list's weight is scaled by how decisive it is for this query, so that a
  // flat list does not drag the ranking below the list that tells the candidates apart.
  const scaled = (list: RankedList, weight: number) =>
    settings.listWeights === 'decisive'
      ? weight * (DECISIVE_FLOOR + (1 - DECISIVE_FLOOR) * decisiveness(list))
      : weight;
  if (lexical.length > 0) {
    lists.push(lexical);
    weights.push(scaled(lexical, settings.lexicalWeight));
  }
  if (similar.length > 0) {
    lists.push(similar);
    weights.push(scaled(similar, settings.vectorWeight));
  }
  const fused =
    settings.fusion === 'rrf'
      ? reciprocalRankFusion(lists, { k: settings.rrfK, weights })
      : weightedFusion(lists, weights);
  return minMaxNormalize([...fused].map(([id, score]) => ({ id, score })));
}
