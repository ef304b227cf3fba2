export type { ResumeResult } from './collaboration.js';
export type { MemoryOptions } from './options.js';
export { defaultDbPath } from './options.js';
export type { PrunedEpisode, PruneOptions, PruneReport } from './prune.js';
export { recordContentId } from './record-id.js';
export type { CompletionReport, ImportOptions, ImportReport, MemoryStats } from './self-learning-memory.js';
export { SelfLearningMemory } from './self-learning-memory.js';
