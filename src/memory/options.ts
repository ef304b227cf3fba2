import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Clock, MemoryLimits, RandomSource } from '../core/index.js';
import type { EmbeddingProvider, EmbeddingsConfig } from '../embeddings/index.js';
import type { PlaybookSettings, RewardWeights } from '../learning/index.js';
import type { RetrievalSettings, RetrievalWeights } from '../retrieval/index.js';
import type { PostgresOptions, SqliteOptions, StorageBackend } from '../storage/index.js';

/** Everything `SelfLearningMemory.open` accepts; every field has a default. */
export interface MemoryOptions {
  /**
   * Where the memory lives: a file path or `file:` URL for the embedded SQLite store, or a
   * `postgres://user:pass@host:5432/db` URL for a PostgreSQL server that many agents share. Defaults to
   * `$SLMEM_DB`, then `$XDG_DATA_HOME/slmem/memory.db` (`~/.local/share/slmem/memory.db`).
   */
  db?: string;
  /**
   * The namespace everything this memory reads and writes stays in (episodes, patterns, heuristics, feedback,
   * links, vectors): two teams sharing one store never see or merge each other's. Default `$SLMEM_NAMESPACE`,
   * then `default`. Ignored with `storage` (a backend is opened in its own namespace).
   */
  namespace?: string;
  /** A ready backend instead of `db` (the memory then owns it and closes it). */
  storage?: StorageBackend;
  /** Options of the embedded SQLite file (durability, vector index, read-only). */
  sqlite?: SqliteOptions;
  /** Options of a PostgreSQL server (pool size, schema). */
  postgres?: PostgresOptions;
  /** @deprecated Use `sqlite.durability`. */
  durability?: 'normal' | 'full';
  /** @deprecated Use `sqlite.vectorIndex`. */
  vectorIndex?: 'exact' | 'ann';
  /** @deprecated Use `sqlite.readOnly`. */
  readOnly?: boolean;
  clock?: Clock;
  random?: RandomSource;
  limits?: Partial<MemoryLimits>;
  rewardWeights?: Partial<RewardWeights>;
  /**
   * How episodes and patterns are embedded: a provider, a config (`{ provider: 'use' | 'hash' | 'openai' |
   * 'transformers', ... }`), or `false` for BM25 only. Default: `hash` (feature hashing, 384-d, microseconds
   * per text), which ranked as well as the local sentence encoder on webarena and better on tau-bench;
   * `{ provider: 'use' }` selects that encoder (~55 ms per query on two cores). Embedding runs in the
   * background after a write; `flush()` waits for it.
   */
  embeddings?: EmbeddingProvider | EmbeddingsConfig | false;
  /** Candidate sources, fusion, re-ranking weights and diversity; see `RetrievalSettings` for the defaults. */
  retrieval?: Partial<Omit<RetrievalSettings, 'weights'>> & { weights?: Partial<RetrievalWeights> };
  /**
   * Which learned parts playbooks use (all on by default): `consensus` reconciles the similar successful
   * episodes (off: follow the most similar one), `toolModel` blends in what the task's words predict,
   * `failures` lets similar failed runs count against the tools they used.
   */
  playbook?: Partial<PlaybookSettings>;
  /**
   * The retrieval result cache (LRU + TTL, invalidated by any write): default 500 entries and 32 MiB (results
   * that hold long episodes count by their size), 60 s; `false` turns it off.
   */
  queryCache?: { maxEntries?: number; maxBytes?: number; ttlMs?: number } | false;
  /**
   * Worker threads that answer `retrieve`, `playbook` and `searchPatterns`, each with its own connection to the
   * store (default 0: the calling thread answers). A server sets 1 or more, so that these calls, the heaviest,
   * never hold up cheap ones waiting on its event loop. Each costs a connection and its own caches. Needs `db`
   * (not `:memory:`), embeddings given as a config rather than a provider object, and the system clock.
   */
  readers?: number;
  /**
   * Self-tuning: the memory asks itself about its own past episodes and chooses the retrieval and playbook
   * settings that serve its history best, with the playbook's confidence calibrated on it (see `tune`). `true`
   * (default): it tunes in the background after every 25 completions; `'manual'`: only when `tune()` is called;
   * both apply the stored tuning. `false`: the defaults, always. Options set here are never overridden.
   */
  tuning?: boolean | 'manual';
  /** Where background problems are reported (default: one line on stderr). */
  log?: (message: string) => void;
}

/** The default database file, following the XDG base directory convention. */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SLMEM_DB) return env.SLMEM_DB;
  const dataHome = env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
  return join(dataHome, 'slmem', 'memory.db');
}

/** The namespace a memory opens in: the option, then `$SLMEM_NAMESPACE`, then `default`. */
export function defaultNamespace(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLMEM_NAMESPACE || 'default';
}
