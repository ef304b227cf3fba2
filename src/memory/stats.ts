import type { EmbeddingProvider } from '../embeddings/index.js';
import type { VectorIndexer } from '../retrieval/index.js';
import type { StorageBackend, StorageStats } from '../storage/index.js';
import type { CachedRetriever, RetrieverCacheStats } from './cached-retriever.js';
import type { Readers } from './readers.js';
import type { TunedSettings, TuningRecord } from './tuning.js';

/** What `stats()` reports: the store's counts, the embeddings' coverage and the caches' hit counts. */
export interface MemoryStats extends StorageStats, RetrieverCacheStats {
  embeddings: {
    provider: string;
    dimensions: number;
    episodes: number;
    patterns: number;
    staleEpisodes: number;
    stalePatterns: number;
    /** Items waiting in this process's background queue. */
    pending: number;
  } | null;
  /** What the namespace's self-tuning chose, from how many episodes (null before it first ran). */
  tuning: TuningRecord | null;
}

/** What `memoryStats` reads. */
export interface StatsDeps {
  storage: StorageBackend;
  provider: EmbeddingProvider | undefined;
  indexer: VectorIndexer | undefined;
  retriever: CachedRetriever;
  readers: Readers | undefined;
  tuned: TunedSettings;
}

export async function memoryStats(deps: StatsDeps): Promise<MemoryStats> {
  const { storage, provider, indexer, retriever, readers, tuned } = deps;
  const [stored, vectors, effective] = await Promise.all([
    storage.stats(),
    provider ? storage.countVectors(provider.id) : undefined,
    tuned.latest(),
  ]);
  const caches = readers ? readers.cacheStats() : retriever.stats();
  return {
    ...stored,
    embeddings:
      provider && vectors
        ? {
            provider: provider.id,
            dimensions: provider.dimensions,
            ...vectors,
            pending: indexer?.pending ?? 0,
          }
        : null,
    ...caches,
    tuning: effective.tuning,
  };
}
