/**
 * self-learning-memory: everything exported here is public API; anything else may change without notice.
 */
export type {
  Checkpoint,
  CheckpointInput,
  Clock,
  CompletedEpisode,
  Complexity,
  Episode,
  EpisodeFilterInput,
  EpisodeRecord,
  ErrorCode,
  Feedback,
  FeedbackInput,
  Heuristic,
  HeuristicCondition,
  Link,
  LinkInput,
  LinkType,
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
  ResumeInput,
  RetrieveInput,
  Reward,
  StartEpisodeInput,
  Step,
  StepInput,
  StepResult,
  Summary,
  TaskContext,
  TaskType,
  UnlinkInput,
} from './core/index.js';
export {
  DEFAULT_LIMITS,
  DEFAULT_NAMESPACE,
  EpisodeRecordSchema,
  EpisodeSchema,
  ERROR_CODES,
  fixedClock,
  isMemoryError,
  LINK_TYPES,
  MemoryError,
  OutcomeSchema,
  PatternSchema,
  StepInputSchema,
  seededRandom,
  systemClock,
} from './core/index.js';
export type { Handoff, Playbook, PlaybookStep, RewardWeights } from './learning/index.js';
export { DEFAULT_REWARD_WEIGHTS } from './learning/index.js';
export type {
  CompletionReport,
  ImportOptions,
  ImportReport,
  MemoryOptions,
  MigratedNamespace,
  MigrateOptions,
  MigrateReport,
  PrunedEpisode,
  PruneOptions,
  PruneReport,
  ResumeResult,
} from './memory/index.js';
export { defaultDbPath, migrateMemory, recordContentId, SelfLearningMemory } from './memory/index.js';
export type {
  QueryContext,
  RetrievalResult,
  RetrievalWeights,
  RetrievedEpisode,
  RetrievedHeuristic,
  RetrievedPattern,
} from './retrieval/index.js';
export { DEFAULT_RETRIEVAL_WEIGHTS } from './retrieval/index.js';
export type {
  EpisodeFilter,
  OpenStorageOptions,
  PostgresOptions,
  SnapshotInfo,
  SqliteOptions,
  StorageBackend,
  StorageStats,
} from './storage/index.js';
export { openStorage } from './storage/index.js';
