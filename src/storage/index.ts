export type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  PatternFilter,
  StorageBackend,
  StorageStats,
} from './storage.js';
