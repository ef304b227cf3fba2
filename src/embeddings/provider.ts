// errors.js, not the core index: the model's worker thread loads this module and needs nothing else of core.
import { MemoryError } from '../core/errors.js';

/**
 * Turns texts into vectors. Implementations: the local Universal Sentence Encoder (default), a hashing
 * embedder, an OpenAI-compatible HTTP API. A vector stored by one provider is only compared with vectors of
 * the same `id`, so `id` must change whenever the vectors would (another model, another dimension).
 *
 * @example
 * const provider = createHashEmbedder({ dimensions: 256 });
 * const [vector] = await provider.embed(['fix the login test']);
 */
export interface EmbeddingProvider {
  /** Stable name of the model and its settings, e.g. `hash-v1-256`, `use-lite-512`, `openai:text-embedding-3-small`. */
  readonly id: string;
  readonly dimensions: number;
  /** One vector per text, in order; each has `dimensions` entries. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  /** Frees what the provider holds (a loaded model, sockets); optional. */
  close?(): Promise<void>;
}

/** Checks what a provider returned: one vector per text, of the promised size, with finite numbers. */
export function checkVectors(
  provider: Pick<EmbeddingProvider, 'id' | 'dimensions'>,
  texts: number,
  vectors: readonly Float32Array[],
): Float32Array[] {
  if (vectors.length !== texts) {
    throw new MemoryError(
      'EMBEDDING_ERROR',
      `${provider.id} returned ${vectors.length} vectors for ${texts} texts`,
    );
  }
  for (const vector of vectors) {
    if (vector.length !== provider.dimensions) {
      throw new MemoryError(
        'EMBEDDING_ERROR',
        `${provider.id} returned a vector of ${vector.length} dimensions; it promised ${provider.dimensions}. Check the model name and its dimensions setting.`,
        { details: { expected: provider.dimensions, actual: vector.length } },
      );
    }
    for (let i = 0; i < vector.length; i++) {
      if (!Number.isFinite(vector[i]))
        throw new MemoryError('EMBEDDING_ERROR', `${provider.id} returned a non-finite value`);
    }
  }
  return [...vectors];
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= norm;
  return vector;
}

/** Cosine similarity of two vectors of the same length; 0 when either is zero. */
export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
