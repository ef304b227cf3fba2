import { z } from 'zod';
import { MemoryError } from '../core/index.js';
import { chunk } from './lazy-model.js';
import { notAnEmbeddingsResponse, type PostOptions, postJson } from './openai-request.js';
import { checkVectors, type EmbeddingProvider, normalize } from './provider.js';

/** Options of {@link createOpenAiEmbedder}. */
export interface OpenAiEmbedderOptions {
  /** Root of the API, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer <key>`; local servers usually need none. Never logged. */
  apiKey?: string;
  /** Length of the vectors the model returns. */
  dimensions: number;
  /** Send `dimensions` in the request (OpenAI's text-embedding-3 models shorten vectors; Ollama rejects it). */
  sendDimensions?: boolean;
  /** Texts per request; 64 by default. */
  batchSize?: number;
  /** Per request, 30 000 by default. */
  timeoutMs?: number;
  /** Retries of a request after 429, 5xx, network errors and timeouts; 3 by default. */
  maxRetries?: number;
  fetch?: typeof fetch;
  /** Waits between retries; injectable so tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Jitter source in [0, 1); `Math.random` by default. */
  random?: () => number;
}

const EmbeddingsResponseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()) })),
  model: z.string().optional(),
  usage: z.unknown().optional(),
});

/**
 * A provider speaking the OpenAI embeddings protocol (`POST {baseUrl}/embeddings`), which OpenAI, Ollama,
 * LM Studio, vLLM and llama.cpp's server all understand. Its id names the model and the host, so vectors
 * from two servers are never mixed.
 *
 * @example
 * const provider = createOpenAiEmbedder({
 *   baseUrl: 'https://api.openai.com/v1',
 *   model: 'text-embedding-3-small',
 *   apiKey: process.env.OPENAI_API_KEY,
 *   dimensions: 1536,
 * });
 * const [vector] = await provider.embed(['fix the login test']);
 */
export function createOpenAiEmbedder(options: OpenAiEmbedderOptions): EmbeddingProvider {
  const { model, dimensions } = options;
  const batchSize = options.batchSize ?? 64;
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new MemoryError('INVALID_INPUT', `the embeddings URL is not a URL: ${options.baseUrl}`);
  }
  if (!Number.isInteger(dimensions) || dimensions < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new MemoryError('INVALID_INPUT', 'embeddings dimensions and batch size must be positive integers');
  }
  const post: PostOptions = {
    url: `${options.baseUrl.replace(/\/+$/, '')}/embeddings`,
    model,
    apiKey: options.apiKey || undefined,
    timeoutMs: options.timeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
    fetch: options.fetch ?? globalThis.fetch,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
  };
  // With sendDimensions one model yields vectors of several sizes, so the size joins the id.
  const id = `openai:${model}@${base.host}${options.sendDimensions ? `/${dimensions}` : ''}`;
  const provider: EmbeddingProvider = {
    id,
    dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = texts.map(() => new Float32Array(dimensions));
      // Servers reject empty inputs; an empty text gets the zero vector, like the hash embedder's.
      const sent = texts.flatMap((text, i) => (text.trim() === '' ? [] : [i]));
      for (const batch of chunk(sent, batchSize)) {
        const input = batch.map((i) => texts[i]!);
        const payload = options.sendDimensions ? { model, input, dimensions } : { model, input };
        const rows = readResponse(post.url, await postJson(post, payload), input.length);
        const checked = checkVectors(provider, input.length, rows);
        batch.forEach((textIndex, row) => {
          vectors[textIndex] = normalize(checked[row]!);
        });
      }
      return checkVectors(provider, texts.length, vectors);
    },
  };
  return provider;
}

/** Parses a response body into vectors in input order (servers may return `data` in any order). */
function readResponse(url: string, body: unknown, count: number): Float32Array[] {
  const parsed = EmbeddingsResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw notAnEmbeddingsResponse(
      url,
      issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid',
    );
  }
  const rows: Float32Array[] = [];
  for (const item of parsed.data.data) {
    if (item.index >= count || rows[item.index]) {
      throw notAnEmbeddingsResponse(url, `index ${item.index} is out of range or repeated`);
    }
    rows[item.index] = Float32Array.from(item.embedding);
  }
  if (parsed.data.data.length !== count) {
    throw new MemoryError(
      'EMBEDDING_ERROR',
      `${url} returned ${parsed.data.data.length} vectors for ${count} texts`,
    );
  }
  return rows;
}
