import { z } from 'zod';
import { COMPLEXITIES, MemoryError, NamespaceSchema } from '../core/index.js';
import { EMBEDDING_PROVIDERS } from '../embeddings/index.js';
import type { MemoryOptions } from './options.js';

const count = z.number().int().positive();
const weight = z.number().finite().nonnegative();
const fn = (what: string) =>
  z.custom<unknown>((v) => typeof v === 'function', { message: `expected ${what}` });
const partialOf = <T extends z.ZodRawShape>(shape: T) => z.object(shape).partial().optional();

const EmbeddingsConfigSchema = z.object({
  provider: z.enum(EMBEDDING_PROVIDERS),
  model: z.string().min(1).optional(),
  url: z.string().min(1).optional(),
  keyEnv: z.string().min(1).optional(),
  dimensions: count.optional(),
  workers: z.number().int().nonnegative().optional(),
});

const EmbeddingProviderSchema = z.object({ id: z.string(), dimensions: count, embed: fn('a function') });

/** Checks the shape of `MemoryOptions` at `open`: a wrong option fails there, named, not later as a TypeError. */
const MemoryOptionsSchema = z.object({
  db: z.string().min(1).optional(),
  storage: z
    .custom<unknown>((v) => typeof v === 'object' && v !== null && 'close' in v, {
      message: 'expected a StorageBackend (an object with the storage methods and close())',
    })
    .optional(),
  namespace: NamespaceSchema.optional(),
  sqlite: partialOf({
    durability: z.enum(['normal', 'full']),
    vectorIndex: z.enum(['exact', 'ann']),
    readOnly: z.boolean(),
  }),
  postgres: partialOf({
    poolSize: count,
    schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/),
    synchronousCommit: z.boolean(),
  }),
  durability: z.enum(['normal', 'full']).optional(),
  vectorIndex: z.enum(['exact', 'ann']).optional(),
  readOnly: z.boolean().optional(),
  clock: z
    .custom<unknown>((v) => typeof (v as { now?: unknown })?.now === 'function', {
      message: 'expected a Clock ({ now(): number })',
    })
    .optional(),
  random: fn('a function (bytes) => Uint8Array').optional(),
  limits: partialOf({
    maxTaskChars: count,
    maxStepsPerEpisode: count,
    maxStepOutputChars: count,
    maxParamsBytes: count,
  }),
  rewardWeights: partialOf({
    efficiencyWeight: weight,
    errorPenalty: weight,
    abstainedBase: weight,
    budgets: z.partialRecord(z.enum(COMPLEXITIES), z.object({ steps: count, ms: weight })),
    complexityMultipliers: z.partialRecord(z.enum(COMPLEXITIES), weight),
  }),
  embeddings: z
    .union([z.literal(false), EmbeddingProviderSchema, EmbeddingsConfigSchema], {
      error: `expected false, an EmbeddingProvider ({ id, dimensions, embed }) or { provider: ${EMBEDDING_PROVIDERS.map((p) => `'${p}'`).join(' | ')}, model?, url?, keyEnv?, dimensions?, workers? }`,
    })
    .optional(),
  retrieval: partialOf({
    mode: z.enum(['hybrid', 'lexical', 'vector']),
    fusion: z.enum(['rrf', 'weighted']),
    rrfK: weight,
    lexicalWeight: weight,
    vectorWeight: weight,
    listWeights: z.enum(['fixed', 'decisive']),
    rerank: z.boolean(),
    mmrLambda: z.number().min(0).max(1),
    candidatePool: count,
    textIndex: z.enum(['all', 'task']),
    weights: partialOf({
      relevance: weight,
      context: weight,
      reward: weight,
      recency: weight,
      effectiveness: weight,
      prediction: weight,
      recencyHalfLifeDays: z.number().positive(),
    }),
  }),
  playbook: partialOf({
    consensus: z.boolean(),
    toolModel: z.boolean(),
    failures: z.boolean(),
    scaleToEvidence: z.boolean(),
    minShare: z.number().min(0).max(1),
    neighbours: z.number().int().min(1).max(50),
    minSuccesses: z.number().int().min(0).max(50),
  }),
  queryCache: z
    .union(
      [
        z.literal(false),
        z.object({ maxEntries: count.optional(), maxBytes: count.optional(), ttlMs: weight.optional() }),
      ],
      {
        error:
          'expected false or { maxEntries?: positive integer, maxBytes?: positive integer, ttlMs?: milliseconds }',
      },
    )
    .optional(),
  readers: z.number().int().min(0).max(64).optional(),
  tuning: z.union([z.boolean(), z.literal('manual')]).optional(),
  log: fn('a function (message: string) => void').optional(),
});

/** Throws INVALID_INPUT naming the first wrong options and what each allows. */
export function checkMemoryOptions(options: unknown): MemoryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new MemoryError('INVALID_INPUT', 'options must be an object (see MemoryOptions)');
  }
  const result = MemoryOptionsSchema.safeParse(options);
  if (result.success) return options as MemoryOptions;
  const issues = result.error.issues.slice(0, 3).map((issue) => {
    const option = issue.path.map(String).join('.') || 'options';
    return `option ${option}: ${issue.message}`;
  });
  throw new MemoryError('INVALID_INPUT', `invalid options: ${issues.join('; ')}`, {
    details: {
      issues: result.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    },
  });
}
