import { MemoryError, type PlaybookRequest, type Progress } from '../core/index.js';
import { createWorkerPool, type WorkerPool } from '../core/worker-pool.js';
import type { EmbeddingsConfig } from '../embeddings/index.js';
import type { Playbook } from '../learning/index.js';
import type { FoundPattern, PatternQuery, RetrievalQuery, RetrievalResult } from '../retrieval/index.js';
import type { ProgressFilter } from '../storage/index.js';
import { parseDb } from '../storage/index.js';
import type { RetrieverCacheStats } from './cached-retriever.js';
import type { MemoryOptions } from './options.js';
import type { MemoryStats } from './stats.js';

/** What a reader worker opens: the options of the memory that started it that are plain data. */
export type ReaderConfig = Pick<
  MemoryOptions,
  | 'namespace'
  | 'sqlite'
  | 'postgres'
  | 'retrieval'
  | 'playbook'
  | 'queryCache'
  | 'limits'
  | 'rewardWeights'
  | 'tuning'
> & { db: string; embeddings?: EmbeddingsConfig | false };

/** A job for a reader worker. */
export type ReaderJob =
  | { method: 'retrieve'; input: RetrievalQuery }
  | { method: 'playbook'; input: PlaybookRequest }
  | { method: 'searchPatterns'; input: PatternQuery }
  | { method: 'progress'; input: ProgressFilter }
  | { method: 'stats' }
  | { method: 'warm' };

/** A reader's answer, with its caches' counts as they stand after it (so that stats need not ask). */
export interface ReaderReply {
  value: unknown;
  thread: number;
  cache: RetrieverCacheStats;
}

/**
 * The calls that rank (retrieve, playbook, searchPatterns) and those that scan a namespace (stats, progress),
 * answered by worker threads, each with a connection of its own to the same store, so that they never hold up
 * cheaper calls on the caller's event loop. A worker reads
 * what is committed; its result cache is keyed by the store's write generation like the caller's, so a write
 * acknowledged here is seen by the next call there.
 */
export class Readers {
  readonly #pool: WorkerPool<ReaderJob, ReaderReply>;
  /** The last counts each worker reported. */
  readonly #caches = new Map<number, RetrieverCacheStats>();
  readonly size: number;

  constructor(config: ReaderConfig, size: number, log: (message: string) => void) {
    this.size = size;
    this.#pool = createWorkerPool<ReaderJob, ReaderReply>({
      url: workerUrl(),
      size,
      name: 'reader',
      errorCode: 'INTERNAL',
      workerData: config,
      log,
      // A server that stops does not wait for a vector index to finish loading.
      closeTimeoutMs: 2_000,
    });
  }

  retrieve(input: RetrievalQuery): Promise<RetrievalResult> {
    return this.#run({ method: 'retrieve', input });
  }

  playbook(input: PlaybookRequest): Promise<Playbook> {
    return this.#run({ method: 'playbook', input });
  }

  searchPatterns(input: PatternQuery): Promise<FoundPattern[]> {
    return this.#run({ method: 'searchPatterns', input });
  }

  /** Completed episodes over time (a scan of the namespace). */
  progress(input: ProgressFilter): Promise<Progress> {
    return this.#run({ method: 'progress', input });
  }

  /** The store's counts, its vectors and the workers' caches, as `stats()` reports them (a scan of the namespace). */
  async stats(): Promise<MemoryStats> {
    const counted = await this.#run<MemoryStats>({ method: 'stats' });
    return { ...counted, ...this.cacheStats() };
  }

  /** Starts every worker and loads its search index; resolves to the vectors one of them holds. */
  async warm(): Promise<{ vectors: number }> {
    const warmed = await Promise.all(
      Array.from({ length: this.size }, () => this.#run<{ vectors: number }>({ method: 'warm' })),
    );
    return warmed[0] ?? { vectors: 0 };
  }

  /**
   * The result and query-embedding caches of the workers, as they last reported them (the caches live there);
   * answered at once, not behind the calls waiting for a worker.
   */
  cacheStats(): RetrieverCacheStats {
    const sum: RetrieverCacheStats = {
      queryCache: { hits: 0, misses: 0, size: 0 },
      queryEmbeddingCache: { hits: 0, misses: 0 },
    };
    for (const { queryCache, queryEmbeddingCache } of this.#caches.values()) {
      sum.queryCache.hits += queryCache.hits;
      sum.queryCache.misses += queryCache.misses;
      sum.queryCache.size += queryCache.size;
      sum.queryEmbeddingCache.hits += queryEmbeddingCache.hits;
      sum.queryEmbeddingCache.misses += queryEmbeddingCache.misses;
    }
    return sum;
  }

  async #run<T>(job: ReaderJob): Promise<T> {
    const reply = await this.#pool.run(job);
    this.#caches.set(reply.thread, reply.cache);
    return reply.value as T;
  }

  /** Lets the calls in flight finish, then ends the workers. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

/**
 * The reader workers' configuration from the memory's options, or INVALID_INPUT naming what cannot be sent to
 * a worker (a backend object, an embedding provider object, a custom clock or random source, an in-memory
 * database, which another connection cannot see).
 */
export function readerConfig(options: MemoryOptions, db: string, namespace: string): ReaderConfig {
  const refuse = (what: string) =>
    new MemoryError(
      'INVALID_INPUT',
      `readers run in worker threads and cannot use ${what}; set readers: 0 (--readers 0)`,
      {
        details: { field: 'readers' },
      },
    );
  if (options.storage) throw refuse('a storage object (give db instead)');
  const location = parseDb(db);
  if (location.kind === 'sqlite' && location.path === ':memory:') throw refuse('an in-memory database');
  if (options.clock || options.random) throw refuse('a custom clock or random source');
  const { embeddings } = options;
  if (embeddings && 'embed' in embeddings) throw refuse('an EmbeddingProvider object (give its config)');
  return {
    db,
    namespace,
    // A reader never writes: the file is opened read-only (no checkpoints of its own), a server gets a small pool.
    sqlite: { ...options.sqlite, ...pickSqlite(options), readOnly: true },
    postgres: { ...options.postgres, poolSize: Math.min(2, options.postgres?.poolSize ?? 2) },
    ...(embeddings === undefined ? {} : { embeddings }),
    ...(options.retrieval ? { retrieval: options.retrieval } : {}),
    ...(options.playbook ? { playbook: options.playbook } : {}),
    ...(options.queryCache === undefined ? {} : { queryCache: options.queryCache }),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.rewardWeights ? { rewardWeights: options.rewardWeights } : {}),
    ...(options.tuning === undefined ? {} : { tuning: options.tuning }),
  };
}

function pickSqlite(options: MemoryOptions) {
  return {
    ...(options.vectorIndex ? { vectorIndex: options.vectorIndex } : {}),
    ...(options.durability ? { durability: options.durability } : {}),
  };
}

function workerUrl(): URL {
  const built = new URL('./reader-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL('./reader-worker.ts', import.meta.url) : built;
}
