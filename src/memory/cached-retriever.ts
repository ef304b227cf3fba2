import type { Clock } from '../core/index.js';
import { type EmbeddingProvider, withQueryCache } from '../embeddings/index.js';
import {
  type FoundPattern,
  type PatternQuery,
  QueryCache,
  type RetrievalEnvironment,
  type RetrievalQuery,
  type RetrievalResult,
  type RetrievalSettings,
  retrieve,
  searchPatterns,
  type VectorIndexer,
} from '../retrieval/index.js';
import type { StorageBackend } from '../storage/index.js';
import type { EffectiveSettings, TunedSettings } from './tuning.js';

/** What the retriever reads from and reports to; the facade builds them once and owns their lifecycle. */
export interface CachedRetrieverDeps {
  storage: StorageBackend;
  /** The provider as configured; absent when embeddings are off. */
  provider: EmbeddingProvider | undefined;
  indexer: VectorIndexer | undefined;
  /** The settings each call runs with: the options, and the namespace's tuning where they say nothing. */
  tuned: TunedSettings;
  clock: Clock;
  log: (message: string) => void;
  /** The result cache (default 500 entries, 32 MiB, 60 s); `false` turns it off. */
  queryCache: { maxEntries?: number; maxBytes?: number; ttlMs?: number } | false | undefined;
}

/** Hit counts of the result cache and of the query-embedding cache, as `stats()` reports them. */
export interface RetrieverCacheStats {
  queryCache: { hits: number; misses: number; size: number };
  queryEmbeddingCache: { hits: number; misses: number };
}

/**
 * Retrieval behind a result cache whose key holds the store's write generation, so any write invalidates it;
 * query texts are embedded behind their own in-memory cache.
 */
export class CachedRetriever {
  readonly #deps: CachedRetrieverDeps;
  readonly #queryEmbedder: (EmbeddingProvider & { stats(): { hits: number; misses: number } }) | undefined;
  readonly #cache: QueryCache<RetrievalResult> | undefined;
  #staleChecked = false;

  constructor(deps: CachedRetrieverDeps) {
    this.#deps = deps;
    this.#queryEmbedder = deps.provider ? withQueryCache(deps.provider) : undefined;
    this.#cache =
      deps.queryCache === false
        ? undefined
        : new QueryCache({
            maxEntries: deps.queryCache?.maxEntries ?? 500,
            maxBytes: deps.queryCache?.maxBytes ?? 32 * 1024 * 1024,
            ttlMs: deps.queryCache?.ttlMs ?? 60_000,
            clock: deps.clock,
          });
  }

  /** Episodes, patterns and heuristics for a parsed query; `steps` loads the episodes' steps (playbooks). */
  async retrieve(query: RetrievalQuery, steps: boolean): Promise<RetrievalResult> {
    await this.#warnIfStale();
    const generation = await this.#deps.storage.writeGeneration();
    const { retrieval } = await this.#deps.tuned.at(generation);
    // The memory asking itself (leave-one-out) is not an answer to keep.
    if (!this.#cache || query.exclude) return retrieve(this.#environment(retrieval), query, { steps });
    const key = JSON.stringify([
      generation,
      steps,
      query.task.trim().toLowerCase().replace(/\s+/g, ' '),
      query.context,
      query.limit,
    ]);
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const result = await retrieve(this.#environment(retrieval), query, { steps });
    this.#cache.set(key, result);
    return result;
  }

  /** Patterns by meaning and words (not cached). */
  async searchPatterns(query: PatternQuery): Promise<FoundPattern[]> {
    const { retrieval } = await this.#deps.tuned.latest();
    return searchPatterns(this.#environment(retrieval), query);
  }

  /** The settings a call would run with now (the tuning's choices included). */
  effective(): Promise<EffectiveSettings> {
    return this.#deps.tuned.latest();
  }

  /** Drops every cached result. */
  clear(): void {
    this.#cache?.clear();
  }

  stats(): RetrieverCacheStats {
    return {
      queryCache: {
        hits: this.#cache?.hits ?? 0,
        misses: this.#cache?.misses ?? 0,
        size: this.#cache?.size ?? 0,
      },
      queryEmbeddingCache: this.#queryEmbedder?.stats() ?? { hits: 0, misses: 0 },
    };
  }

  #environment(settings: RetrievalSettings): RetrievalEnvironment {
    return {
      storage: this.#deps.storage,
      ...(this.#queryEmbedder ? { embedder: this.#queryEmbedder } : {}),
      settings,
      now: this.#deps.clock.now(),
      log: this.#deps.log,
    };
  }

  /**
   * Says once per process when completed episodes have no vector of the current provider (a provider change,
   * an import with --no-embed, a failed background run): retrieval then uses BM25 alone for them.
   */
  async #warnIfStale(): Promise<void> {
    const { provider, indexer, storage, log } = this.#deps;
    if (this.#staleChecked || !provider || !indexer) return;
    this.#staleChecked = true;
    const { staleEpisodes } = await storage.countVectors(provider.id);
    const stale = staleEpisodes - indexer.pending;
    if (stale > 0) {
      log(
        `${stale} episodes have no ${provider.id} vectors yet; retrieval finds them by their words only until "slmem reindex" (memory.reindex())`,
      );
    }
  }
}
