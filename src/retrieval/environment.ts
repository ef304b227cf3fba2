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

/** The query's vector, or undefined (lexical mode, no embedder, or an embedder that failed: reported). */
export async function embedQuery(env: RetrievalEnvironment, text: string): Promise<Float32Array | undefined> {
  if (env.settings.mode === 'lexical' || !env.embedder) return undefined;
  try {
    const [vector] = await env.embedder.embed([text]);
    return vector;
  } catch (error) {
    env.log?.(`vector search skipped, using BM25 only: ${toMemoryError(error).message}`);
    return undefined;
  }
}

/** Nearest items by meaning; an embedder that fails is reported and leaves BM25 to carry on alone. */
export async function vectorHits(
  env: RetrievalEnvironment,
  kind: VectorKind,
  text: string,
  limit: number,
): Promise<VectorHit[]> {
  const vector = await embedQuery(env, text);
  if (!vector || !env.embedder) return [];
  return env.storage.searchVectors({ kind, provider: env.embedder.id, vector, limit });
}

/** How `why` names a vector match: "similar meaning" from a cosine of 0.3 up, "loosely related" below. */
export function describeSimilarity(cosine: number): string {
  return `${cosine >= 0.3 ? 'similar meaning' : 'loosely related'} (${cosine.toFixed(2)})`;
}
