export { QueryCache } from './cache.js';
export type { RetrievalEnvironment } from './environment.js';
export type { RankedList } from './fusion.js';
export { decisiveness, fuse, minMaxNormalize, reciprocalRankFusion, weightedFusion } from './fusion.js';
export type { IndexerOptions, ReindexProgress } from './indexer.js';
export { episodeEmbeddingText, patternEmbeddingText, textHash, VectorIndexer } from './indexer.js';
export type { MmrCandidate } from './mmr.js';
export { diversify } from './mmr.js';
export type { FoundPattern, PatternQuery } from './related.js';
export { searchPatterns } from './related.js';
export type {
  RetrievalQuery,
  RetrievalResult,
  RetrievedEpisode,
  RetrievedHeuristic,
  RetrievedPattern,
} from './retrieve.js';
export { retrieve } from './retrieve.js';
export type { QueryContext, Ranked, RetrievalWeights, Signals } from './scoring.js';
export {
  CONTEXT_FIELD_WEIGHTS,
  combineSignals,
  contextMatch,
  DEFAULT_RETRIEVAL_WEIGHTS,
  normalizeByMax,
  rankByScore,
  recencyScore,
} from './scoring.js';
export type { RetrievalSettings } from './settings.js';
export { DEFAULT_RETRIEVAL_SETTINGS, resolveRetrievalSettings } from './settings.js';
export type { FirstStageChoice, FirstStageTuning, TuningSample } from './tuning.js';
export { chooseFirstStage, FIRST_STAGE_GRID, firstStageScore } from './tuning.js';
