export type { ResumeResult } from './collaboration.js';
export type { ImportOptions, ImportReport } from './interchange.js';
export { recordContentId } from './interchange.js';
export type { MemoryOptions } from './options.js';
export { defaultDbPath } from './options.js';
export type { PrunedEpisode, PruneOptions, PruneReport } from './prune.js';
export type { CompletionReport } from './self-learning-memory.js';
export { SelfLearningMemory } from './self-learning-memory.js';
export type { MemoryStats } from './stats.js';
