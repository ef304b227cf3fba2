export type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  PatternFilter,
  StorageBackend,
  StorageStats,
  StoredVector,
  VectorHit,
  VectorKind,
} from './storage.js';
