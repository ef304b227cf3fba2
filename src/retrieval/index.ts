export type {
  RetrievalQuery,
  RetrievalResult,
  RetrievedEpisode,
  RetrievedHeuristic,
  RetrievedPattern,
  RetrieveOptions,
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
