import { z } from 'zod';
import { MemoryError } from '../core/index.js';
import { createHashEmbedder } from './hash-embedder.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import type { EmbeddingProvider } from './provider.js';
import { createTransformersEmbedder } from './transformers-embedder.js';
import { createUseEmbedder } from './use-embedder.js';

/** The providers one can choose by name (`--embeddings`, `SLMEM_EMBEDDINGS`). */
export const EMBEDDING_PROVIDERS = ['use', 'hash', 'openai', 'transformers'] as const;

/**
 * The provider used when none is chosen, everywhere: the facade, the CLI and the MCP server. Hashing, not the
 * local sentence encoder: on tau-bench retail the encoder ranked worse than BM25 alone (MRR@10 0.318 against
 * 0.367; hashing 0.416), on webarena it was level with hashing (0.964 against 0.960), and it costs ~55 ms per
 * query and ~15 long texts/s to embed on two cores (README, "Retrieval quality on real data").
 */
export const DEFAULT_EMBEDDINGS_PROVIDER = 'hash' satisfies EmbeddingsConfig['provider'];

/** Which embedding provider to build and how; every field but `provider` has a default per provider. */
export interface EmbeddingsConfig {
  provider: (typeof EMBEDDING_PROVIDERS)[number];
  /** Model name (openai), or local path / cached id (transformers). */
  model?: string;
  /** Base URL of an OpenAI-compatible API. */
  url?: string;
  /** Name of the environment variable holding the API key (not the key itself). */
  keyEnv?: string;
  dimensions?: number;
  /** Worker threads of the local model (`use`): 1 by default, `0` runs it on the calling thread; capped at the cores. */
  workers?: number;
}

const OPENAI_URL = 'https://api.openai.com/v1';

/**
 * Builds the provider a config names, or the default one (`hash`, 384 dimensions) without a config.
 * Creating one is cheap: models load on the first `embed`.
 * For OpenAI's own API an explicit `dimensions` is sent with each request (text-embedding-3 models shorten
 * their vectors); other servers get no `dimensions`, since Ollama and LM Studio reject it.
 *
 * @example
 * const provider = createEmbeddingProvider(embeddingsConfigFromEnv(process.env));
 * const model = createEmbeddingProvider({ provider: 'use' }); // the local Universal Sentence Encoder, in a worker
 * const two = createEmbeddingProvider({ provider: 'use', workers: 2 }); // two workers, two copies of the model
 * const local = createEmbeddingProvider({ provider: 'openai', url: 'http://127.0.0.1:11434/v1', model: 'nomic-embed-text', dimensions: 768 });
 */
export function createEmbeddingProvider(
  config: EmbeddingsConfig = { provider: DEFAULT_EMBEDDINGS_PROVIDER },
  env: Record<string, string | undefined> = process.env,
): EmbeddingProvider {
  switch (config.provider) {
    case 'use':
      if (config.dimensions !== undefined && config.dimensions !== 512) {
        throw new MemoryError(
          'INVALID_INPUT',
          `--embeddings use has 512 dimensions, not ${config.dimensions}`,
        );
      }
      return createUseEmbedder(config.workers === undefined ? {} : { workers: config.workers });
    case 'hash':
      return createHashEmbedder({ dimensions: config.dimensions ?? 384 });
    case 'openai': {
      const baseUrl = config.url ?? OPENAI_URL;
      const apiKey = env[config.keyEnv ?? 'OPENAI_API_KEY'];
      return createOpenAiEmbedder({
        baseUrl,
        model: config.model ?? 'text-embedding-3-small',
        dimensions: config.dimensions ?? 1536,
        sendDimensions: config.dimensions !== undefined && isOpenAi(baseUrl),
        ...(apiKey ? { apiKey } : {}),
      });
    }
    case 'transformers':
      if (!config.model) {
        throw new MemoryError(
          'INVALID_INPUT',
          '--embeddings transformers needs a model: set --embeddings-model (or SLMEM_EMBEDDINGS_MODEL) to a model directory or a cached model id',
        );
      }
      return createTransformersEmbedder({ model: config.model, dimensions: config.dimensions ?? 384 });
    default:
      throw new MemoryError(
        'INVALID_INPUT',
        `unknown embeddings provider ${JSON.stringify(config.provider)}; use one of ${EMBEDDING_PROVIDERS.join(', ')}`,
      );
  }
}

function isOpenAi(baseUrl: string): boolean {
  return URL.canParse(baseUrl) && new URL(baseUrl).hostname === 'api.openai.com';
}

const unset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** What each variable accepts, for messages. */
const ALLOWED = {
  SLMEM_EMBEDDINGS: `one of ${EMBEDDING_PROVIDERS.join(', ')}`,
  SLMEM_EMBEDDINGS_MODEL: 'a model name or path',
  SLMEM_EMBEDDINGS_URL: 'an http(s) URL such as http://127.0.0.1:11434/v1',
  SLMEM_EMBEDDINGS_KEY_ENV: 'the name of an environment variable (letters, digits and _)',
  SLMEM_EMBEDDINGS_DIMENSIONS: 'a whole number from 1 to 65536',
  SLMEM_EMBEDDINGS_WORKERS: 'a whole number of worker threads from 0 (the calling thread) to 1024',
} as const;

const EmbeddingsEnvSchema = z.object({
  SLMEM_EMBEDDINGS: z.preprocess(unset, z.enum(EMBEDDING_PROVIDERS).default(DEFAULT_EMBEDDINGS_PROVIDER)),
  SLMEM_EMBEDDINGS_MODEL: z.preprocess(unset, z.string().optional()),
  SLMEM_EMBEDDINGS_URL: z.preprocess(unset, z.url({ protocol: /^https?$/ }).optional()),
  SLMEM_EMBEDDINGS_KEY_ENV: z.preprocess(
    unset,
    z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .optional(),
  ),
  SLMEM_EMBEDDINGS_DIMENSIONS: z.preprocess(
    unset,
    z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1).max(65_536)).optional(),
  ),
  SLMEM_EMBEDDINGS_WORKERS: z.preprocess(
    unset,
    z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(1024)).optional(),
  ),
});

/**
 * Reads the embeddings settings from `SLMEM_EMBEDDINGS` (use | hash | openai | transformers; the default,
 * `hash`, when unset), `SLMEM_EMBEDDINGS_MODEL`, `SLMEM_EMBEDDINGS_URL`, `SLMEM_EMBEDDINGS_KEY_ENV` and
 * `SLMEM_EMBEDDINGS_DIMENSIONS` and `SLMEM_EMBEDDINGS_WORKERS` (threads of the local model). An empty variable
 * counts as unset; a bad one is INVALID_INPUT.
 *
 * @example
 * embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS: 'use' });
 * // { provider: 'use' }
 * embeddingsConfigFromEnv({ SLMEM_EMBEDDINGS_DIMENSIONS: '256' });
 * // { provider: 'hash', dimensions: 256 }
 */
export function embeddingsConfigFromEnv(env: Record<string, string | undefined>): EmbeddingsConfig {
  const parsed = EmbeddingsEnvSchema.safeParse(env);
  if (!parsed.success) {
    const name = String(parsed.error.issues[0]?.path[0]) as keyof typeof ALLOWED;
    throw new MemoryError(
      'INVALID_INPUT',
      `${name} must be ${ALLOWED[name]} (got ${JSON.stringify(env[name])})`,
      {
        details: { variable: name },
      },
    );
  }
  const vars = parsed.data;
  const config: EmbeddingsConfig = { provider: vars.SLMEM_EMBEDDINGS };
  if (vars.SLMEM_EMBEDDINGS_MODEL !== undefined) config.model = vars.SLMEM_EMBEDDINGS_MODEL;
  if (vars.SLMEM_EMBEDDINGS_URL !== undefined) config.url = vars.SLMEM_EMBEDDINGS_URL;
  if (vars.SLMEM_EMBEDDINGS_KEY_ENV !== undefined) config.keyEnv = vars.SLMEM_EMBEDDINGS_KEY_ENV;
  if (vars.SLMEM_EMBEDDINGS_DIMENSIONS !== undefined) config.dimensions = vars.SLMEM_EMBEDDINGS_DIMENSIONS;
  if (vars.SLMEM_EMBEDDINGS_WORKERS !== undefined) config.workers = vars.SLMEM_EMBEDDINGS_WORKERS;
  return config;
}
