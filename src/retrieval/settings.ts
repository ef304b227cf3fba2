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
   * Re-rank the fused candidates with context, reward, recency and effectiveness (true); false scores by
   * relevance alone (MMR still applies unless `mmrLambda` is 1).
   */
  rerank: boolean;
  /** MMR trade-off: 1 keeps the ranking, lower values favour variety among the results (0.8). */
  mmrLambda: number;
  /** Candidates taken from each source before re-ranking (50). */
  candidatePool: number;
  weights: RetrievalWeights;
}

export const DEFAULT_RETRIEVAL_SETTINGS: RetrievalSettings = {
  mode: 'hybrid',
  fusion: 'rrf',
  rrfK: 60,
  lexicalWeight: 1,
  vectorWeight: 1,
  rerank: true,
  mmrLambda: 0.8,
  candidatePool: 50,
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
