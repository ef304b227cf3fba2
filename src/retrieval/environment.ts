import { toMemoryError } from '../core/index.js';
import type { EmbeddingProvider } from '../embeddings/index.js';
import type { StorageBackend, VectorHit, VectorKind } from '../storage/index.js';
import type { RetrievalSettings } from './settings.js';

/** What retrieval runs against; `embedder` is absent when vectors are off. */
export interface RetrievalEnvironment {
  storage: StorageBackend;
  embedder?: EmbeddingProvider;
  settings: RetrievalSettings;
  now: number;
  /** Where a failing embedder is reported; retrieval then goes on with BM25 alone. */
  log?: (message: string) => void;
}

/** Nearest items by meaning; an embedder that fails is reported and leaves BM25 to carry on alone. */
export async function vectorHits(
  env: RetrievalEnvironment,
  kind: VectorKind,
  text: string,
  limit: number,
): Promise<VectorHit[]> {
  if (env.settings.mode === 'lexical' || !env.embedder) return [];
  let vector: Float32Array | undefined;
  try {
    [vector] = await env.embedder.embed([text]);
  } catch (error) {
    env.log?.(`vector search skipped, using BM25 only: ${toMemoryError(error).message}`);
    return [];
  }
  if (!vector) return [];
  return env.storage.searchVectors({ kind, provider: env.embedder.id, vector, limit });
}

/** How `why` names a vector match: "similar meaning" from a cosine of 0.3 up, "loosely related" below. */
export function describeSimilarity(cosine: number): string {
  return `${cosine >= 0.3 ? 'similar meaning' : 'loosely related'} (${cosine.toFixed(2)})`;
}
