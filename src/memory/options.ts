import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Clock, MemoryLimits, RandomSource } from '../core/index.js';
import type { RewardWeights } from '../learning/index.js';
import type { RetrievalWeights } from '../retrieval/index.js';
import type { StorageBackend } from '../storage/index.js';

/** Everything `SelfLearningMemory.open` accepts; every field has a default. */
export interface MemoryOptions {
  /**
   * Where the memory lives: a file path or a `file:` URL for the embedded SQLite store. Defaults to
   * `$SLMEM_DB`, then `$XDG_DATA_HOME/slmem/memory.db` (`~/.local/share/slmem/memory.db`).
   */
  db?: string;
  /** A ready backend instead of `db` (the memory then owns it and closes it). */
  storage?: StorageBackend;
  /**
   * `normal` (default): a write survives a crash of the process (WAL, fsync at checkpoints);
   * `full`: it also survives a power cut, at the cost of one fsync per write.
   */
  durability?: 'normal' | 'full';
  clock?: Clock;
  random?: RandomSource;
  limits?: Partial<MemoryLimits>;
  rewardWeights?: Partial<RewardWeights>;
  retrievalWeights?: Partial<RetrievalWeights>;
}

/** The default database file, following the XDG base directory convention. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLMEM_DB) return env.SLMEM_DB;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'slmem', 'memory.db');
}
