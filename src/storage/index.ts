export type { SqliteMode } from './file-url.js';
export type {
  DbLocation,
  OpenStorageOptions,
  PostgresOptions,
  SqliteOptions,
  StorageKind,
} from './open.js';
export { openStorage, parseDb, sqlitePath, storageKind } from './open.js';
export type { EpisodeHead, StoragePort, WriteTx } from './port.js';
export type {
  EpisodeFilter,
  HeuristicFilter,
  ImportResult,
  LexicalHit,
  LoadBatch,
  PatternFilter,
  ProgressFilter,
  SnapshotInfo,
  StorageBackend,
  StorageStats,
  StoredVector,
  TextIndex,
  VectorHit,
  VectorKind,
} from './storage.js';
export { Store } from './store.js';
