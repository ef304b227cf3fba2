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
  if (lexical.length > 0) {
    lists.push(lexical);
    weights.push(settings.lexicalWeight);
  }
  if (similar.length > 0) {
    lists.push(similar);
    weights.push(settings.vectorWeight);
  }
  const fused =
    settings.fusion === 'rrf'
      ? reciprocalRankFusion(lists, { k: settings.rrfK, weights })
      : weightedFusion(lists, weights);
  return minMaxNormalize([...fused].map(([id, score]) => ({ id, score })));
}
