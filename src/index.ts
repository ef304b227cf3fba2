/**
 * self-learning-memory: everything exported here is public API; anything else may change without notice.
 */
export type {
  Clock,
  CompletedEpisode,
  Complexity,
  Episode,
  EpisodeFilterInput,
  EpisodeRecord,
  ErrorCode,
  Heuristic,
  HeuristicCondition,
  MemoryLimits,
  Outcome,
  OutcomeInput,
  OutcomeStatus,
  Pattern,
  PatternData,
  PatternFilterInput,
  PatternType,
  PlaybookRequest,
  RandomSource,
  Reflection,
  RetrieveInput,
  Reward,
  StartEpisodeInput,
  Step,
  StepInput,
  StepResult,
  Summary,
  TaskContext,
  TaskType,
} from './core/index.js';
export {
  DEFAULT_LIMITS,
  EpisodeRecordSchema,
  EpisodeSchema,
  ERROR_CODES,
  fixedClock,
  isMemoryError,
  MemoryError,
  OutcomeSchema,
  PatternSchema,
  StepInputSchema,
  seededRandom,
  systemClock,
} from './core/index.js';
export type { Playbook, PlaybookStep, RewardWeights } from './learning/index.js';
export { DEFAULT_REWARD_WEIGHTS } from './learning/index.js';
export type { CompletionReport, ImportOptions, ImportReport, MemoryOptions } from './memory/index.js';
export { defaultDbPath, SelfLearningMemory } from './memory/index.js';
export type {
  QueryContext,
  RetrievalResult,
  RetrievalWeights,
  RetrievedEpisode,
  RetrievedHeuristic,
  RetrievedPattern,
} from './retrieval/index.js';
export { DEFAULT_RETRIEVAL_WEIGHTS } from './retrieval/index.js';
export type { EpisodeFilter, StorageBackend, StorageStats } from './storage/index.js';
