export type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  PatternFilter,
  SnapshotInfo,
  StorageBackend,
  StorageStats,
  StoredVector,
  VectorHit,
  VectorKind,
} from './storage.js';
