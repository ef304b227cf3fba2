import { MemoryError } from '../core/index.js';
import type { EmbeddingProvider } from './provider.js';

/** Options of {@link withQueryCache}. */
export interface QueryCacheOptions {
  /** Texts remembered; the least recently used is forgotten first. 500 by default. */
  maxEntries?: number;
}

/** Counts of texts answered from the cache (`hits`) and sent to the provider (`misses`). */
export interface QueryCacheStats {
  hits: number;
  misses: number;
}

/** A provider with an in-memory cache in front; see {@link withQueryCache}. */
export interface CachedEmbeddingProvider extends EmbeddingProvider {
  stats(): QueryCacheStats;
}

/**
 * Wraps a provider with an LRU cache keyed on the exact text, for queries that repeat within a process
 * (an agent asking the same thing each turn). Only texts not in the cache reach the provider, in one call.
 * Same `id` and `dimensions` as the wrapped provider, since the vectors are the same.
 *
 * @example
 * const provider = withQueryCache(createUseEmbedder(), { maxEntries: 200 });
 * await provider.embed(['fix the login test']);
 * await provider.embed(['fix the login test']); // answered from the cache
 * provider.stats(); // { hits: 1, misses: 1 }
 */
export function withQueryCache(
  provider: EmbeddingProvider,
  options: QueryCacheOptions = {},
): CachedEmbeddingProvider {
  const maxEntries = options.maxEntries ?? 500;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new MemoryError(
      'INVALID_INPUT',
      `query cache maxEntries must be a positive integer, got ${maxEntries}`,
    );
  }
  // A Map iterates in insertion order, so re-inserting on use makes its first key the least recently used.
  const cache = new Map<string, Float32Array>();
  const stats: QueryCacheStats = { hits: 0, misses: 0 };

  const remember = (text: string, vector: Float32Array) => {
    cache.delete(text);
    cache.set(text, vector);
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  };

  return {
    id: provider.id,
    dimensions: provider.dimensions,
    async embed(texts) {
      const found = new Map<string, Float32Array>();
      const missing: string[] = [];
      for (const text of new Set(texts)) {
        const vector = cache.get(text);
        if (vector) found.set(text, vector);
        else missing.push(text);
      }
      // A text repeated within one call is sent once; its repeats count as hits.
      stats.misses += missing.length;
      stats.hits += texts.length - missing.length;
      if (missing.length > 0) {
        const vectors = await provider.embed(missing);
        missing.forEach((text, i) => {
          found.set(text, vectors[i]!);
        });
      }
      for (const [text, vector] of found) remember(text, vector);
      // Copies, so a caller that scales a vector in place does not change the cached one.
      return texts.map((text) => found.get(text)!.slice());
    },
    stats: () => ({ ...stats }),
    async close() {
      cache.clear();
      await provider.close?.();
    },
  };
}
