import { DEFAULT_RETRIEVAL_WEIGHTS, type RetrievalWeights } from './scoring.js';

/** How `retrieve` finds and orders candidates; every field has a documented default. */
export interface RetrievalSettings {
  /** Candidate sources: BM25 and vectors (`hybrid`, default), or one of them. */
  mode: 'hybrid' | 'lexical' | 'vector';
  /** How the BM25 and vector lists merge: reciprocal rank fusion (default) or a min-max normalised weighted sum. */
  fusion: 'rrf' | 'weighted';
  /** The k of reciprocal rank fusion (60, as in Cormack et al.). */
  rrfK: number;
  /** Weight of the BM25 list in the fusion (1). */
  lexicalWeight: number;
  /** Weight of the vector list in the fusion (1). */
  vectorWeight: number;
  /**
   * `fixed` (default): the two weights above; `decisive`: each also scaled, per query, by how decisive its list
   * is (the relative drop from its best score to its tenth), so a flat list weighs less than a sharp one.
   */
  listWeights: 'fixed' | 'decisive';
  /**
   * Re-rank the fused candidates with context, reward, recency and effectiveness (true); false scores by
   * relevance alone (MMR still applies unless `mmrLambda` is 1).
   */
  rerank: boolean;
  /**
   * MMR trade-off: 1 (default) keeps the ranking; lower values (0.7-0.9) favour variety among the results.
   * Off by default because on webarena it pushed relevant near-duplicates down (nDCG@10 0.94 -> 0.90 at 0.8
   * with the local model), and both cross-validation folds chose 1.
   */
  mmrLambda: number;
  /** Candidates taken from each source before re-ranking (50). */
  candidatePool: number;
  /**
   * What the BM25 list ranks by: `all` of an episode (task, summary, tools, reflection; default) or its `task`
   * alone: what was asked rather than what was done.
   */
  textIndex: 'all' | 'task';
  weights: RetrievalWeights;
}

export const DEFAULT_RETRIEVAL_SETTINGS: RetrievalSettings = {
  mode: 'hybrid',
  fusion: 'rrf',
  rrfK: 60,
  lexicalWeight: 1,
  vectorWeight: 1,
  listWeights: 'fixed',
  rerank: true,
  mmrLambda: 1,
  candidatePool: 50,
  textIndex: 'all',
  weights: DEFAULT_RETRIEVAL_WEIGHTS,
};

/** Fills the defaults of a partial settings object (weights merged field by field). */
export function resolveRetrievalSettings(
  partial: Partial<Omit<RetrievalSettings, 'weights'>> & { weights?: Partial<RetrievalWeights> } = {},
): RetrievalSettings {
  return {
    ...DEFAULT_RETRIEVAL_SETTINGS,
    ...partial,
    weights: { ...DEFAULT_RETRIEVAL_WEIGHTS, ...partial.weights },
  };
}
