export type { Clock } from './clock.js';
export { fixedClock, systemClock, toIso } from './clock.js';
export type {
  Checkpoint,
  CheckpointInput,
  Feedback,
  FeedbackInput,
  Link,
  LinkInput,
  LinkType,
  ResumeInput,
  UnlinkInput,
} from './collaboration.js';
export {
  AgentSchema,
  CheckpointInputSchema,
  CheckpointNoteSchema,
  CheckpointSchema,
  FeedbackInputSchema,
  FeedbackSchema,
  IdSchema,
  LINK_TYPES,
  LinkInputSchema,
  LinkSchema,
  LinkTypeSchema,
  NoteSchema,
  ORDERED_LINK_TYPES,
  ResumeInputSchema,
  TagListSchema,
  UnlinkInputSchema,
} from './collaboration.js';
export * from './episode.js';
export type { ErrorCode, ErrorFaces } from './errors.js';
export { ERROR_CODES, ERROR_FACES, isMemoryError, MemoryError, toMemoryError } from './errors.js';
export type { RandomSource } from './ids.js';
export { contentId, contentUuid, cryptoRandom, isUuid, seededRandom, uuidV7Generator } from './ids.js';
export type { EpisodeRecord, ParsedEpisodeRecord } from './interchange.js';
export { EpisodeRecordSchema, episodeToRecord, recordSteps } from './interchange.js';
export type {
  ExistingLearning,
  Learn,
  LearningPlan,
  LearningResult,
  ToolCount,
  ToolEvidence,
} from './learning-plan.js';
export type { MemoryLimits } from './limits.js';
export { DEFAULT_LIMITS, MAX_TASK_CHARS, truncateText } from './limits.js';
export { checkNamespace, DEFAULT_NAMESPACE, NamespaceSchema } from './namespace.js';
export { parseInput } from './parse.js';
export * from './pattern.js';
export type {
  EpisodeFilterInput,
  HeuristicFilterInput,
  PatternFilterInput,
  PatternSearchInput,
  PatternSort,
  PlaybookRequest,
  Progress,
  ProgressBucket,
  ProgressPoint,
  ProgressQuery,
  RetrieveInput,
} from './query.js';
export {
  EpisodeFilterSchema,
  filterWords,
  HeuristicFilterSchema,
  MAX_FILTER_CHARS,
  PATTERN_SORTS,
  PatternFilterSchema,
  PatternSearchInputSchema,
  PlaybookInputSchema,
  PROGRESS_BUCKETS,
  ProgressQuerySchema,
  QueryContextSchema,
  RetrieveInputSchema,
} from './query.js';
export { redactUrl } from './redact.js';
export { checkSafeInput, MAX_INPUT_DEPTH, MAX_LATENCY_MS, MAX_TOKENS } from './safe-input.js';
export { approximateBytes } from './size.js';
export { MAX_TAG_CHARS, normalizeTag, normalizeTags, TagSchema } from './tags.js';
export { contentTokens, hasWholeWord, isStopword, oneLine, tokenize, topTerms } from './text.js';
export { VERSION } from './version.js';
